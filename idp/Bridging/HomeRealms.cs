using Federation.Core.Navigation;
using Federation.Idp.Saml;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Bridging;

/// <summary>One upstream the login page offers (home realm choice).</summary>
/// <param name="Protocol"><c>saml</c> or <c>oidc</c>.</param>
public sealed record HomeRealm(string Name, string Label, string Protocol)
{
    /// <summary>A plain link (no JavaScript) that starts the upstream sign-in and comes back to <paramref name="returnUrl"/>.</summary>
    public string LoginUrl(string? returnUrl)
    {
        var path = Protocol == "saml" ? $"{SamlEndpoints.SpLoginPath}/{Uri.EscapeDataString(Name)}" : $"{OidcUpstreams.LoginPath}/{Uri.EscapeDataString(Name)}";
        return path + QueryString.Create("returnUrl", ReturnUrl.OrHome(returnUrl));
    }
}

/// <summary>The configured upstreams, SAML IdPs and OpenID Providers, in configuration order.</summary>
public sealed class HomeRealms(IOptions<SamlOptions> saml, IOptions<UpstreamOptions> upstreams)
{
    public IReadOnlyList<HomeRealm> All { get; } =
    [
        .. saml.Value.Upstreams.Select(u => new HomeRealm(u.Name, u.DisplayName ?? u.Name, "saml")),
        .. upstreams.Value.Oidc.Select(u => new HomeRealm(u.Name, u.DisplayName ?? u.Name, "oidc")),
    ];
}
