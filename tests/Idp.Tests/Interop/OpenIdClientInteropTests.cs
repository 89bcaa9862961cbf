using System.Diagnostics;
using Federation.Idp.Tests.Infrastructure;

namespace Federation.Idp.Tests.Interop;

/// <summary>
/// openid-client (npm, a certified relying party library) runs the whole flow against the idp
/// on a real port: tests/interop/openid-client/interop.mjs.
/// </summary>
public sealed class OpenIdClientInteropTests(IdpHost idp) : IClassFixture<IdpHost>
{
    [Fact]
    public async Task Openid_client_completes_the_flow_and_checks_auth_time_code_reuse_scopes_revocation_and_logout_hint()
    {
        var folder = InteropFolder("openid-client");
        var start = new ProcessStartInfo("node", "interop.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["IDP_ISSUER"] = idp.Issuer,
                ["CLIENT_ID"] = TestSystems.PortalId,
                ["CLIENT_SECRET"] = TestSystems.PortalSecret,
                ["REDIRECT_URI"] = TestSystems.PortalRedirect,
                ["POST_LOGOUT_REDIRECT_URI"] = TestSystems.PortalLogout,
                ["IDP_USER"] = "anna.larare",
                ["IDP_PASSWORD"] = RelyingParty.DefaultPassword,
            },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);

        var output = await stdout + await stderr;
        Assert.True(node.ExitCode == 0, output);
        Assert.Contains("ok  code exchanged, ID token valid", output, StringComparison.Ordinal);
        Assert.Contains("ok  revoked refresh token refused", output, StringComparison.Ordinal);
        Assert.Contains("ok  code reuse refused, the first access token inactive", output, StringComparison.Ordinal);
        Assert.Contains("ok  max_age=0 and prompt=login authenticate anew", output, StringComparison.Ordinal);
        Assert.Contains("ok  unregistered scope is invalid_scope", output, StringComparison.Ordinal);
        Assert.Contains("ok  revoked access token inactive and refused at userinfo", output, StringComparison.Ordinal);
        Assert.Contains("ok  forged id_token_hint refused", output, StringComparison.Ordinal);
        Assert.EndsWith("INTEROP OK", output.Trim(), StringComparison.Ordinal);
    }

    /// <summary>tests/interop/NAME with its node_modules (test.sh runs <c>npm ci</c> there).</summary>
    internal static string InteropFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", name);
            if (Directory.Exists(candidate))
            {
                Assert.True(Directory.Exists(Path.Combine(candidate, "node_modules")),
                    $"{candidate}/node_modules is missing: run `npm ci` there (test.sh does).");
                return candidate;
            }
        }
        throw new InvalidOperationException($"tests/interop/{name} not found above {AppContext.BaseDirectory}");
    }
}
