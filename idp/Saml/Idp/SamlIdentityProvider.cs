using System.Security.Cryptography;
using System.Text;
using Federation.Core.Access;
using Federation.Core.Attributes;
using Federation.Idp.Saml.Storage;
using Microsoft.Extensions.Options;

namespace Federation.Idp.Saml.Idp;

/// <summary>
/// Answers a checked AuthnRequest: keeps it in the database while the user signs in, then issues
/// a signed Response with a signed Assertion for exactly the SP's release list.
/// </summary>
public sealed class SamlIdentityProvider(
    IOptions<SamlOptions> options,
    ISamlServiceProviderRegistry registry,
    ISamlPendingRequestStore pending,
    ISamlSignInSession session,
    SamlKeyStore keys,
    TimeProvider time,
    SamlTelemetry telemetry,
    ILogger<SamlIdentityProvider> logger)
{
    private readonly SamlOptions settings = options.Value;

    /// <summary>Starts answering a request: stores it, then continues as after a sign-in.</summary>
    public async Task<IResult> BeginAsync(HttpContext http, InboundAuthnRequest request)
    {
        var now = time.GetUtcNow();
        var stored = new SamlPendingRequest
        {
            Handle = RandomNumberGenerator.GetHexString(32, lowercase: true),
            SpEntityId = request.Sp.EntityId,
            RequestId = request.Id,
            AcsUrl = request.AcsUrl,
            RelayState = request.RelayState,
            ForceAuthn = request.ForceAuthn,
            IsPassive = request.IsPassive,
            NameIdFormat = request.NameIdFormat,
            RequestedAuthnContext = string.Join(' ', request.RequestedAuthnContext),
            Comparison = request.Comparison,
            ReceivedAtUnixMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtUnixMs = (now + settings.RequestLifetime).ToUnixTimeMilliseconds(),
        };
        await pending.SaveAsync(stored, http.RequestAborted);
        return await ContinueAsync(http, stored);
    }

    /// <summary>Continues a stored request (the login page returns here).</summary>
    public async Task<IResult> ContinueAsync(HttpContext http, string handle)
    {
        var stored = await pending.FindAsync(handle, http.RequestAborted);
        return stored is null
            ? TypedResults.Problem("This sign-in request is unknown or has expired. Start again from the service.", statusCode: StatusCodes.Status400BadRequest)
            : await ContinueAsync(http, stored);
    }

    private async Task<IResult> ContinueAsync(HttpContext http, SamlPendingRequest request)
    {
        using var activity = SamlTelemetry.ActivitySource.StartActivity("saml.answer_authn_request");
        activity?.SetTag("saml.sp", request.SpEntityId);
        var sp = registry.Find(request.SpEntityId);
        if (sp is null || !sp.AcsUrls.Contains(request.AcsUrl, StringComparer.Ordinal))
        {
            // The SP left the register while the user was signing in.
            return TypedResults.Problem("The service is no longer registered.", statusCode: StatusCodes.Status400BadRequest);
        }
        var requested = request.RequestedAuthnContext.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var requestedRank = RequestedRank(requested, request.Comparison);
        if (requestedRank is null)
        {
            return await AnswerWithStatusAsync(http, request, sp, SamlNames.StatusNoAuthnContext, "no_authn_context");
        }
        var requestedLevel = AssuranceLevel.OfRank(requestedRank.Value);

        var subject = await session.GetCurrentAsync(http);
        // ForceAuthn: only a sign-in after we sent the user to authenticate again counts. Sessions keep
        // their authentication time in whole seconds (OIDC auth_time), so compare at that precision.
        var fresh = subject is not null && (!request.ForceAuthn
            || (request.ReauthenticationRequestedAtUnixMs is { } asked && subject.AuthenticatedAt >= DateTimeOffset.FromUnixTimeSeconds(asked / 1000)));
        var decision = subject is null ? null
            : AccessPolicy.Evaluate(sp.Name, sp.Lifecycle, sp.Access, PersonFacts.From(subject.Subject, subject.AssuranceLevel, c => subject.Claims.GetValueOrDefault(c) ?? []), requestedLevel);
        if (decision is { Outcome: AccessOutcome.Denied })
        {
            // The same decision as OIDC and the gateway: no stronger sign-in can help, so none is asked for.
            return await AnswerWithStatusAsync(http, request, sp, SamlNames.StatusRequestDenied, "access_policy");
        }
        if (subject is null || !fresh || decision is { Outcome: AccessOutcome.StepUp })
        {
            var neededLevel = (decision?.RequiredLevel ?? Strongest(sp.Access.AssuranceLevel, requestedLevel)).Name;
            if (request.IsPassive)
            {
                return await AnswerWithStatusAsync(http, request, sp, SamlNames.StatusNoPassive, "no_passive");
            }
            var returnUrl = $"{SamlEndpoints.ContinuePath}/{request.Handle}";
            if (request.ForceAuthn && !fresh)
            {
                await pending.MarkReauthenticationRequestedAsync(request.Handle, time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted);
            }
            // ForceAuthn in the challenge means "authenticate again now": not once it has happened (then only a step-up may remain).
            return await session.ChallengeAsync(http, new SamlChallenge(returnUrl, request.ForceAuthn && !fresh, neededLevel, sp.Name));
        }

        var format = NegotiateFormat(request.NameIdFormat, sp.NameIdFormat);
        var nameId = format is null ? null : await NameIdAsync(format, subject, sp, http.RequestAborted);
        if (nameId is null)
        {
            return await AnswerWithStatusAsync(http, request, sp, SamlNames.StatusInvalidNameIdPolicy, "name_id_policy");
        }
        if (!await pending.TryRemoveAsync(request.Handle, http.RequestAborted))
        {
            return TypedResults.Problem("This sign-in request was already answered.", statusCode: StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow();
        var released = ReleasedAttributes(sp.Release, subject);
        var document = SamlMessageWriter.Response(new AssertionContent(
            settings.IdpEntityId,
            request.AcsUrl,
            request.RequestId,
            sp.EntityId,
            nameId,
            format!,
            now,
            settings.AssertionLifetime,
            subject.AuthenticatedAt,
            ClassRefFor(subject.AssuranceLevel, requested, request.Comparison),
            released));
        var certificate = await keys.GetSigningCertificateAsync(http.RequestAborted);
        var response = document.DocumentElement!;
        EnvelopedSignature.Sign(response.OnlyChild(SamlNames.Assertion, "Assertion")!, certificate);
        EnvelopedSignature.Sign(response, certificate);

        logger.LogInformation("SAML response issued to {Sp} for request {RequestId}", sp.EntityId, request.RequestId);
        telemetry.Login("downstream", sp.EntityId, "success", null);
        await session.ReleasedAsync(http, subject, sp, [.. released.Select(a => AttributeCatalog.All.First(c => c.SamlName == a.Name).Name)]);
        return new PostBindingResult(new Uri(request.AcsUrl), "SAMLResponse", Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml)), request.RelayState);
    }

    private async Task<IResult> AnswerWithStatusAsync(HttpContext http, SamlPendingRequest request, RegisteredSp sp, string subCode, string reason)
    {
        await pending.TryRemoveAsync(request.Handle, http.RequestAborted);
        var topCode = subCode == SamlNames.StatusInvalidNameIdPolicy ? SamlNames.StatusRequester : SamlNames.StatusResponder;
        var document = SamlMessageWriter.StatusResponse(settings.IdpEntityId, request.AcsUrl, request.RequestId, time.GetUtcNow(), topCode, subCode);
        EnvelopedSignature.Sign(document.DocumentElement!, await keys.GetSigningCertificateAsync(http.RequestAborted));
        logger.LogWarning("SAML request {RequestId} from {Sp} answered with {Status}", request.RequestId, sp.EntityId, subCode);
        telemetry.Login("downstream", sp.EntityId, "refused", reason);
        return new PostBindingResult(new Uri(request.AcsUrl), "SAMLResponse", Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml)), request.RelayState);
    }

    /// <summary>The level to ask for before anything is known about the person: the system's, or the SP's request if stronger.</summary>
    private static AssuranceLevel Strongest(string systemLevel, AssuranceLevel? requested)
    {
        var own = AssuranceLevel.Parse(systemLevel) ?? AssuranceLevel.Loa2;
        return requested is { } r && r > own ? r : own;
    }

    /// <summary>The rank the SP asked for; 0 when it asked nothing, null when it asked only for what we cannot give.</summary>
    private static int? RequestedRank(string[] requested, string comparison)
    {
        if (requested.Length == 0)
        {
            return 0;
        }
        var known = requested.Select(SamlNames.AuthnContextRank).Where(r => r > 0).ToList();
        if (known.Count == 0 || known.Min() > 3)
        {
            return null;
        }
        return comparison == "better" ? known.Min() + 1 : known.Where(r => r <= 3).Min();
    }

    private static string ClassRefFor(string assuranceLevel, string[] requested, string comparison)
    {
        var own = SamlNames.AuthnContextFor(assuranceLevel) ?? SamlNames.Loa2;
        if (requested.Length == 0 || comparison != "exact" || requested.Contains(own, StringComparer.Ordinal))
        {
            return own;
        }
        // Exact comparison with a lower level than the user reached: claim the strongest one asked for that is met.
        var ownRank = SamlNames.AuthnContextRank(own);
        return requested.Where(r => SamlNames.AuthnContextRank(r) is > 0 and var rank && rank <= ownRank)
            .OrderByDescending(SamlNames.AuthnContextRank)
            .FirstOrDefault() ?? own;
    }

    private static string? NegotiateFormat(string? requested, string allowed) =>
        requested is null or SamlNames.NameIdUnspecified || requested == allowed ? allowed : null;

    private async Task<string?> NameIdAsync(string format, SamlSubject subject, RegisteredSp sp, CancellationToken cancellationToken) => format switch
    {
        SamlNames.NameIdPersistent => PairwiseNameId.Compute(await keys.GetPairwiseSecretAsync(cancellationToken), subject.Subject, sp.EntityId),
        SamlNames.NameIdTransient => SamlMessageWriter.NewId(),
        SamlNames.NameIdEmail => subject.Claims.GetValueOrDefault("email") is { Count: > 0 } email ? email[0] : null,
        _ => null,
    };

    /// <summary>Exactly the release list, by urn:oid names; values only from the subject's stored claims.</summary>
    internal static List<SamlAttribute> ReleasedAttributes(IReadOnlyList<string> release, SamlSubject subject)
    {
        var attributes = new List<SamlAttribute>();
        foreach (var name in release.Distinct(StringComparer.Ordinal))
        {
            if (AttributeCatalog.Find(name) is not { SamlName: { } samlName } entry)
            {
                continue;
            }
            var values = subject.Claims.GetValueOrDefault(name);
            if (values is { Count: > 0 })
            {
                attributes.Add(new SamlAttribute(samlName, entry.SamlFriendlyName, values));
            }
        }
        return attributes;
    }
}

/// <summary>
/// Pairwise persistent NameIDs: HMAC-SHA256 of the internal subject and the SP's entity ID under a
/// secret key. Stable per (user, SP), different across SPs, and not derivable without the key.
/// </summary>
public static class PairwiseNameId
{
    public static string Compute(byte[] secret, string subject, string spEntityId)
    {
        var input = Encoding.UTF8.GetBytes(subject + "\0" + spEntityId);
        return Base64UrlEncode(HMACSHA256.HashData(secret, input));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
