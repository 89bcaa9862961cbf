using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Federation.Idp.Saml.Sp;
using Federation.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Idp.Tests.Bridging;

/// <summary>Where a browser run ended: sent back to an OIDC client, or holding a SAML Response for a downstream SP.</summary>
public sealed record BrowserOutcome(Uri? Redirect, IReadOnlyDictionary<string, string>? SamlPost, Uri? SamlPostAction);

/// <summary>
/// One person's browser (one cookie jar for every host, as a real one) that walks the flows hop by
/// hop: it signs in where a login page asks (on our idp with the local form, or by choosing the
/// home realm link; at the upstream with the upstream's own form), enters TOTP codes, and posts
/// the SAML HTTP-POST forms between hosts, until it leaves for a downstream system.
/// </summary>
public sealed partial class BridgeBrowser(BridgingHosts hosts, string realm, string user = "anna.larare", string? totpSecret = null) : IDisposable
{
    public const string Local = "local";

    private readonly LoginForm _person = new(user, LoginForm.DemoPassword, totpSecret);

    public RelyingParty Portal { get; } = new(hosts.Idp, BridgingHosts.PortalId, BridgingHosts.PortalSecret, TestSystems.Redirect);

    public HttpClient Http => Portal.Browser;

    /// <summary>Paths of our idp's login page visits (to show that a flow did not ask again).</summary>
    public List<string> LoginPagesSeen { get; } = [];

    /// <summary>Paths of MFA (step-up) page visits.</summary>
    public List<string> MfaPagesSeen { get; } = [];

    /// <summary>The OIDC client's code flow: authorize, sign in as needed, redeem; returns the validated ID token.</summary>
    public async Task<JsonWebToken> OidcSignInAsync(string? acrValues = null)
    {
        var (verifier, challenge) = RelyingParty.Pkce();
        var extra = acrValues is null ? null : new Dictionary<string, string?> { ["acr_values"] = acrValues };
        var outcome = await FollowAsync(await Http.GetAsync(Portal.AuthorizeUrl(challenge, "openid profile email", extra: extra)));
        Assert.NotNull(outcome.Redirect);
        var query = RelyingParty.Query(outcome.Redirect);
        Assert.True(query.ContainsKey("code"), "no code: " + outcome.Redirect);
        Assert.Equal("st-1", query["state"]);
        var tokens = await Portal.RedeemAsync(query["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var id = await Portal.ValidateAsync(tokens.IdToken!, BridgingHosts.PortalId);
        Assert.Equal("n-1", id.GetClaim("nonce").Value);
        return id;
    }

    /// <summary>The downstream SAML SP (<paramref name="spProfile"/> <c>strict</c>: ForceAuthn and loa3 requested): its AuthnRequest posted (HTTP-POST) to our idp, the Response validated by the SP's validator.</summary>
    public async Task<SamlAssertionIdentity> SamlSignInAsync(string spProfile = "upstream")
    {
        hosts.Sp.Time.SetUtcNow(DateTimeOffset.UtcNow);
        Uri redirect;
        string binding;
        using (var scope = hosts.Sp.Services.CreateScope())
        {
            (redirect, _, binding) = await scope.ServiceProvider.GetRequiredService<SamlAuthnRequestSender>().CreateAsync(spProfile, "/after");
        }
        var request = Inflate(QueryHelpers.ParseQuery(redirect.Query)["SAMLRequest"].ToString());
        var outcome = await FollowAsync(await Http.PostAsync(new Uri(hosts.Idp.BaseAddress, "saml/sso"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLRequest"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(request)),
            ["RelayState"] = "rs-bridge",
        })));
        Assert.NotNull(outcome.SamlPost);
        Assert.Equal(hosts.Sp.AcsUrl, outcome.SamlPostAction);
        Assert.Equal("rs-bridge", outcome.SamlPost["RelayState"]);
        var result = await hosts.Sp.ValidateAsync(outcome.SamlPost["SAMLResponse"], _ => binding);
        Assert.True(result.Succeeded, $"downstream SP refused our Response: {result.Check} {result.Reason}");
        return result.Identity!;
    }

    /// <summary>Signs out of our idp (the end-session confirmation form).</summary>
    public async Task SignOutAsync()
    {
        var response = await HtmlForm.FillInAsync(Http, new Uri(hosts.Idp.BaseAddress, "signout"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public async Task<BrowserOutcome> FollowAsync(HttpResponseMessage response)
    {
        for (var hop = 0; hop < 30; hop++)
        {
            var at = response.RequestMessage!.RequestUri!;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                var location = new Uri(at, response.Headers.Location!);
                var ours = location.Authority == hosts.Idp.BaseAddress.Authority;
                if (!ours && location.Authority != hosts.Upstream.BaseAddress.Authority)
                {
                    return new BrowserOutcome(location, null, null);
                }
                if (LoginForm.IsLoginPage(location))
                {
                    if (ours)
                    {
                        LoginPagesSeen.Add(location.PathAndQuery);
                    }
                    if (ours && realm != Local)
                    {
                        // Home realm choice: the plain link on the login page, no JavaScript.
                        var page = await Http.GetStringAsync(location);
                        var link = UpstreamLink().Matches(page).FirstOrDefault(m => m.Groups["name"].Value == realm)
                                   ?? throw new InvalidOperationException($"The login page offers no '{realm}'.");
                        response = await Http.GetAsync(new Uri(location, WebUtility.HtmlDecode(link.Groups["href"].Value)));
                    }
                    else
                    {
                        response = await HtmlForm.FillInAsync(Http, location, _person.Credentials);
                    }
                }
                else if (LoginForm.IsMfaPage(location))
                {
                    MfaPagesSeen.Add(location.PathAndQuery);
                    response = await HtmlForm.FillInAsync(Http, location, _person.Code());
                }
                else
                {
                    response = await Http.GetAsync(location);
                }
                continue;
            }
            var body = await response.Content.ReadAsStringAsync();
            var main = body.IndexOf("<main", StringComparison.Ordinal) is var i and >= 0 ? body[i..] : body;
            if (response.StatusCode == HttpStatusCode.OK && body.Contains("name=\"SAMLResponse\"", StringComparison.Ordinal))
            {
                var form = HtmlForm.Read(at, body);
                if (form.Action.Authority != hosts.Idp.BaseAddress.Authority)
                {
                    return new BrowserOutcome(null, form.Hidden, form.Action);
                }
                response = await Http.PostAsync(form.Action, form.Submit()); // the upstream's Response to our ACS
                continue;
            }
            throw new InvalidOperationException($"Unexpected {(int)response.StatusCode} at {at}: {main[..Math.Min(main.Length, 1200)]}");
        }
        throw new InvalidOperationException("Too many hops.");
    }

    private static string Inflate(string base64)
    {
        using var deflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public void Dispose() => Portal.Dispose();

    [GeneratedRegex("<a(?=[^>]*data-upstream=\"(?<name>[^\"]+)\")(?=[^>]*href=\"(?<href>[^\"]+)\")[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex UpstreamLink();
}
