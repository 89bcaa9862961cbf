using Federation.Core.Navigation;
using Federation.Idp.Saml.Idp;
using Federation.Idp.Saml.Sp;
using Federation.Idp.Saml.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml;

/// <summary>The SAML endpoints of the idp, as one route group under <c>/saml</c>.</summary>
public static class SamlEndpoints
{
    public const string MetadataPath = "/saml/metadata";
    public const string SsoPath = "/saml/sso";
    public const string ContinuePath = "/saml/sso/continue";
    public const string SpMetadataPath = "/saml/sp/metadata";
    public const string SpLoginPath = "/saml/sp/login";
    public const string SpAcsPath = "/saml/sp/acs";

    public static RouteGroupBuilder MapSamlEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/saml").WithTags("SAML");
        group.MapGet("/metadata", IdpMetadata).WithName("SamlIdpMetadata").WithSummary("SAML IdP metadata (downstream SPs).");
        group.MapGet("/sso", SsoRedirect).WithName("SamlSsoRedirect").WithSummary("AuthnRequest by HTTP-Redirect.");
        group.MapPost("/sso", SsoPost).WithName("SamlSsoPost").WithSummary("AuthnRequest by HTTP-POST.").DisableAntiforgery();
        group.MapGet("/sso/continue/{handle}", Continue).WithName("SamlSsoContinue").WithSummary("Answers a pending AuthnRequest after sign-in.");
        group.MapGet("/sp/metadata", SpMetadata).WithName("SamlSpMetadata").WithSummary("SAML SP metadata (upstream IdPs).");
        group.MapGet("/sp/login/{upstream}", SpLogin).WithName("SamlSpLogin").WithSummary("Signs in at an upstream SAML IdP.");
        group.MapPost("/sp/acs", SpAcs).WithName("SamlSpAcs").WithSummary("Assertion Consumer Service (HTTP-POST).").DisableAntiforgery();
        return group;
    }

    private static async Task<ContentHttpResult> IdpMetadata(IOptions<SamlOptions> options, SamlKeyStore keys, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var xml = SamlMetadataWriter.Idp(settings.IdpEntityId, settings.Endpoint(SsoPath), await keys.GetSigningCertificateAsync(cancellationToken));
        return TypedResults.Content(xml, "application/samlmetadata+xml");
    }

    private static async Task<ContentHttpResult> SpMetadata(IOptions<SamlOptions> options, SamlKeyStore keys, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var xml = SamlMetadataWriter.Sp(settings.SpEntityId, settings.Endpoint(SpAcsPath),
            await keys.GetSigningCertificateAsync(cancellationToken), await keys.GetEncryptionCertificateAsync(cancellationToken));
        return TypedResults.Content(xml, "application/samlmetadata+xml");
    }

    private static async Task<IResult> SsoRedirect(HttpContext http, AuthnRequestReader reader, SamlIdentityProvider idp, ILoggerFactory loggers, SamlTelemetry telemetry)
    {
        InboundAuthnRequest request;
        try
        {
            request = reader.ReadRedirect(http.Request.QueryString.Value ?? "");
        }
        catch (SamlRefusedException e)
        {
            return Refused(loggers, telemetry, e);
        }
        return await idp.BeginAsync(http, request);
    }

    private static async Task<IResult> SsoPost(HttpContext http, AuthnRequestReader reader, SamlIdentityProvider idp, ILoggerFactory loggers, SamlTelemetry telemetry)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem("Expected a form post.", statusCode: StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        InboundAuthnRequest request;
        try
        {
            request = reader.ReadPost(form["SAMLRequest"].ToString(), form["RelayState"].FirstOrDefault());
        }
        catch (SamlRefusedException e)
        {
            return Refused(loggers, telemetry, e);
        }
        return await idp.BeginAsync(http, request);
    }

    private static Task<IResult> Continue(HttpContext http, string handle, SamlIdentityProvider idp) => idp.ContinueAsync(http, handle);

    private static async Task<Results<RedirectHttpResult, NotFound, BadRequest>> SpLogin(
        HttpContext http, string upstream, string? returnUrl, UpstreamIdpCatalog upstreams, SamlAuthnRequestSender sender, SamlBrowserBinding binding,
        CancellationToken cancellationToken)
    {
        if (upstreams.Find(upstream) is null)
        {
            return TypedResults.NotFound();
        }
        // Only local return URLs: no open redirect through the login.
        if (returnUrl is not null && !ReturnUrl.IsSafe(returnUrl))
        {
            return TypedResults.BadRequest();
        }
        var request = await sender.CreateAsync(upstream, returnUrl ?? "/", cancellationToken);
        binding.Issue(http.Response, request);
        return TypedResults.Redirect(request.RedirectUrl.AbsoluteUri);
    }

    private static async Task<IResult> SpAcs(HttpContext http, SamlResponseValidator validator, SamlAuthnRequestSender sender, SamlBrowserBinding binding, ISamlUpstreamSignIn signIn)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem("Expected a form post.", statusCode: StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var result = await validator.ValidateAsync(form["SAMLResponse"].ToString(), sender.AcsUrl,
            requestId => binding.Presented(http.Request, requestId), http.RequestAborted);
        if (!result.Succeeded)
        {
            // The reason is logged and counted; the browser learns only that sign-in failed.
            return TypedResults.Problem("The sign-in response from the identity provider was not accepted.", statusCode: StatusCodes.Status403Forbidden,
                title: "Sign-in refused");
        }
        binding.Clear(http.Response, result.Identity!.RequestId);
        return await signIn.SignInAsync(http, result.Identity!);
    }

    private static ProblemHttpResult Refused(ILoggerFactory loggers, SamlTelemetry telemetry, SamlRefusedException e)
    {
        loggers.CreateLogger(typeof(SamlEndpoints)).LogWarning("SAML AuthnRequest refused: {Reason} ({Detail})", e.Reason, e.Message);
        telemetry.Login("downstream", "unknown", "refused", e.Reason);
        return TypedResults.Problem("The sign-in request from the service was not accepted.", statusCode: StatusCodes.Status400BadRequest,
            title: "SAML request refused", extensions: new Dictionary<string, object?> { ["reason"] = e.Reason });
    }
}
