using Microsoft.Extensions.Configuration;

namespace Federation.Core.Configuration;

/// <summary>
/// The values the README and the demo configuration publish (client secrets, signing keys, the
/// demo password, the development audit key). Anyone can read them, so outside Development no
/// setting may hold one: a service that finds one refuses to start and names the setting.
/// </summary>
public static class DemoValues
{
    /// <summary>The key the register's audit chain uses in Development when none is configured.</summary>
    public const string DevelopmentAuditKey = "federation-development-audit-key-not-secret";

    public static readonly IReadOnlyList<string> Known =
    [
        "gateway-demo-secret",
        "procapita-demo-signing-key-change-me-0123456789",
        "intranat-demo-signing-key-change-me-0123456789",
        "forskoleportalen-demo-signing-key-change-me-0123456789",
        "Skola-Demo-2026!",
        "IZSWIZLSMF2GS33OFVSGK3LPFV2G65DQ",
        DevelopmentAuditKey,
    ];

    /// <summary>The demo register gives every demo client the secret <c>{client}-demo-secret</c>.</summary>
    private const string DemoClientSecretSuffix = "-demo-secret";

    public static bool IsDemo(string? value) =>
        !string.IsNullOrEmpty(value)
        && (Known.Contains(value, StringComparer.Ordinal) || value.EndsWith(DemoClientSecretSuffix, StringComparison.Ordinal));

    /// <summary>Every setting (as <c>Section:Key</c>) whose value is a demo value, in order.</summary>
    public static IReadOnlyList<string> SettingsHoldingDemoValues(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(setting => IsDemo(setting.Value))
            .Select(setting => setting.Key)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
}
