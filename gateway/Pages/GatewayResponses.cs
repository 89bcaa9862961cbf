using System.Text.Encodings.Web;
using System.Text.Unicode;
using Federation.Core.Text;
using Federation.Gateway.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Federation.Gateway.Pages;

/// <summary>
/// The gateway's own answers (403, 410, 429, 503, notices): a short page for people, in Swedish
/// or in English when they ask for it (<see cref="PersonText"/>), an RFC 9457 problem detail in
/// English for programs. Whoever asks for HTML is a person; a bearer
/// token or an Accept header that asks for JSON is a program.
/// </summary>
public static class GatewayResponses
{
    public static bool IsApiRequest(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return GatewayAuthentication.IsBearer(request) || accept.Contains("json", StringComparison.OrdinalIgnoreCase);
    }

    /// <param name="code">Stable reason code, also in the problem detail as <c>reason</c>.</param>
    /// <param name="heading">Page heading.</param>
    /// <param name="text">Page text.</param>
    /// <param name="title">Problem title (English).</param>
    /// <param name="detail">Problem detail (English).</param>
    public static async Task WriteAsync(
        HttpContext context, int status, string code, PersonText heading, PersonText text, string title, string detail, string? systemId = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        if (IsApiRequest(context.Request))
        {
            var problem = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = "https://federation.skola.example.se/problems/" + code,
                Instance = context.Request.Path,
            };
            problem.Extensions["reason"] = code;
            if (systemId is not null)
            {
                problem.Extensions["system"] = systemId;
            }
            problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            await response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
            return;
        }
        await WritePageAsync(context, heading, $"<p>{Encode(text.Current)}</p>");
    }

    /// <summary>
    /// A valid token presented where its audience does not count (another system's route, or the
    /// gateway's own endpoints): RFC 6750 calls that an invalid token for this resource.
    /// </summary>
    public static Task WriteTokenForAnotherAudienceAsync(HttpContext context, string? systemId)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The token is not issued for this resource.\"";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "audience",
            new("Fel åtkomsttoken", "Wrong access token"),
            new("Åtkomsttoken är utfärdad för ett annat system.", "The access token is issued for another system."),
            "Token for another audience", "The access token's audience is not this resource.", systemId);
    }

    private static readonly PersonText ToStartPage = new("Till startsidan", "To the start page");

    /// <summary>A page in the request's language around <paramref name="bodyHtml"/> (already encoded).</summary>
    public static Task WritePageAsync(HttpContext context, PersonText heading, string bodyHtml)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentLanguage = PersonLanguage.Current.Name;
        return context.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="{{PersonLanguage.Current.Name}}"><head><meta charset="utf-8"><title>{{Encode(heading.Current)}}</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
            .notice{background:#fff4ce;border-left:4px solid #c90;padding:.75rem 1rem}</style></head>
            <body><h1>{{Encode(heading.Current)}}</h1>
            {{bodyHtml}}
            <p><a href="/">{{Encode(ToStartPage.Current)}}</a></p></body></html>
            """);
    }

    // Swedish letters stay readable in the page source; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string text) => Encoder.Encode(text);
}
