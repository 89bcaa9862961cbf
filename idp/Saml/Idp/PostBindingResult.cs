using System.Net;
using System.Security.Cryptography;

namespace Federation.Idp.Saml.Idp;

/// <summary>
/// The HTTP-POST binding: a page with a form that posts the message to the SP. A script submits
/// it at once; without JavaScript the visible button does.
/// </summary>
public sealed class PostBindingResult(Uri action, string parameterName, string message, string? relayState) : IResult
{
    public Uri Action { get; } = action;
    public string Message { get; } = message;
    public string? RelayState { get; } = relayState;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; form-action {Action.GetLeftPart(UriPartial.Authority)}; frame-ancestors 'none'; base-uri 'none'";
        var relay = RelayState is null
            ? ""
            : $"""<input type="hidden" name="RelayState" value="{WebUtility.HtmlEncode(RelayState)}"/>""";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="sv">
            <head><meta charset="utf-8"><title>Skickar vidare … / Continuing …</title></head>
            <body>
            <form method="post" action="{{WebUtility.HtmlEncode(Action.AbsoluteUri)}}" id="saml-post">
            <input type="hidden" name="{{parameterName}}" value="{{WebUtility.HtmlEncode(Message)}}"/>
            {{relay}}
            <p>Du skickas vidare till tjänsten. / You are being sent on to the service.</p>
            <button type="submit">Fortsätt / Continue</button>
            </form>
            <script nonce="{{nonce}}">document.getElementById('saml-post').submit();</script>
            </body>
            </html>
            """;
        await response.WriteAsync(html, httpContext.RequestAborted);
    }
}
