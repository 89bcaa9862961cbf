using System.Security.Cryptography.X509Certificates;
using Federation.Idp.Saml.Storage;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Sp;

/// <summary>An AuthnRequest on its way: where to send the browser, its ID, and the value that binds it to that browser (<see cref="SamlBrowserBinding"/>).</summary>
public sealed record SamlOutgoingRequest(Uri RedirectUrl, string RequestId, string BrowserBinding);

/// <summary>Sends AuthnRequests upstream (HTTP-Redirect, signed) and remembers them for the one response.</summary>
public sealed class SamlAuthnRequestSender(
    IOptions<SamlOptions> options,
    UpstreamIdpCatalog upstreams,
    ISamlRequestStore requests,
    SamlKeyStore keys,
    SamlBrowserBinding binding,
    TimeProvider time)
{
    private readonly SamlOptions settings = options.Value;

    /// <summary>Where upstream IdPs post their responses.</summary>
    public Uri AcsUrl => settings.Endpoint(SamlEndpoints.SpAcsPath);

    /// <summary>Stores a new request for <paramref name="upstreamName"/> and returns the URL to send the browser to.</summary>
    public async Task<SamlOutgoingRequest> CreateAsync(string upstreamName, string? returnUrl, CancellationToken cancellationToken = default)
    {
        var upstream = upstreams.Find(upstreamName)
            ?? throw new ArgumentException($"Unknown upstream IdP '{upstreamName}'.", nameof(upstreamName));
        var now = time.GetUtcNow();
        var id = SamlMessageWriter.NewId();
        await requests.SaveAsync(new SamlSentRequest
        {
            Id = id,
            Upstream = upstream.Name,
            AcsUrl = AcsUrl.AbsoluteUri,
            RequestedAuthnContext = string.Join(' ', upstream.RequestedAuthnContext),
            Comparison = upstream.Comparison,
            ForceAuthn = upstream.ForceAuthn,
            IssuedAtUnixMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtUnixMs = (now + settings.RequestLifetime).ToUnixTimeMilliseconds(),
            ReturnUrl = returnUrl,
        }, cancellationToken);

        var request = SamlMessageWriter.AuthnRequest(id, settings.SpEntityId, upstream.SingleSignOnUrl, AcsUrl, now,
            upstream.ForceAuthn, upstream.RequestedAuthnContext, upstream.Comparison);
        var certificate = await keys.GetSigningCertificateAsync(cancellationToken);
        using var key = certificate.GetRSAPrivateKey();
        // RelayState carries nothing: the return URL stays in the database, keyed by the request ID.
        var query = RedirectBinding.BuildQuery("SAMLRequest", request.OuterXml, relayState: null, key);
        var separator = upstream.SingleSignOnUrl.Query.Length > 0 ? "&" : "?";
        return new SamlOutgoingRequest(new Uri(upstream.SingleSignOnUrl.AbsoluteUri + separator + query), id, binding.Create(id));
    }
}
