using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Sp;

/// <summary>
/// Binds an AuthnRequest we send upstream to the browser that started it, so a response is taken
/// only from that browser (login CSRF: an attacker signs in at the upstream himself and makes the
/// victim's browser post his response, signing the victim in as the attacker). InResponseTo alone
/// proves only that we sent the request, not to whom.
/// </summary>
/// <remarks>
/// The binding is a cookie named after the request ID whose value is the request ID protected by
/// data protection (unforgeable, useless for any other request), scoped to the ACS path, HttpOnly,
/// living as long as the request. The upstream IdP posts the response to the ACS from its own site,
/// a cross-site POST: a <c>SameSite=Lax</c> or <c>Strict</c> cookie is not sent with it, so the cookie
/// is <c>SameSite=None; Secure</c> (with the <c>__Secure-</c> prefix) when the public origin is https,
/// as other SPs' request-state cookies are. Over plain http (a developer machine on 127.0.0.1) a
/// browser refuses <c>SameSite=None</c> without Secure; there the cookie is <c>Lax</c>, which works
/// because IdP and SP on loopback are the same site.
/// </remarks>
public sealed class SamlBrowserBinding(IDataProtectionProvider dataProtection, IOptions<SamlOptions> options)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("Federation.Idp.Saml.BrowserBinding.v1");
    private readonly SamlOptions settings = options.Value;

    private bool Secure => settings.PublicOrigin.Scheme == Uri.UriSchemeHttps;

    public string CookieName(string requestId) => (Secure ? "__Secure-" : "") + "saml-sp" + requestId;

    /// <summary>The value that proves a browser started <paramref name="requestId"/>.</summary>
    public string Create(string requestId) => protector.Protect(requestId);

    /// <summary>True when <paramref name="presented"/> was made by <see cref="Create"/> for this very request.</summary>
    public bool Matches(string requestId, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        try
        {
            return protector.Unprotect(presented) == requestId;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Sets the binding cookie on the response that sends the browser upstream.</summary>
    public void Issue(HttpResponse response, SamlOutgoingRequest request) =>
        response.Cookies.Append(CookieName(request.RequestId), request.BrowserBinding, new CookieOptions
        {
            HttpOnly = true,
            Secure = Secure,
            SameSite = Secure ? SameSiteMode.None : SameSiteMode.Lax,
            Path = SamlEndpoints.SpAcsPath,
            MaxAge = settings.RequestLifetime,
            IsEssential = true,
        });

    /// <summary>What the posting browser presents for <paramref name="requestId"/>, if anything.</summary>
    public string? Presented(HttpRequest request, string requestId) => request.Cookies[CookieName(requestId)];

    /// <summary>Removes the cookie once its request has been answered.</summary>
    public void Clear(HttpResponse response, string requestId) =>
        response.Cookies.Delete(CookieName(requestId), new CookieOptions { Path = SamlEndpoints.SpAcsPath, Secure = Secure });
}
