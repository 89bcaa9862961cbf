using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Federation.Gateway.Forwarding;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Federation.Demo.Backend;

/// <summary>
/// The stand-in's only real feature: it shows what the gateway told it about the user and
/// whether that is to be believed (signature and timestamp checked with the shared key), under
/// the name of the system it stands in for.
/// </summary>
public static class IdentityPage
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static WebApplication MapIdentityPages(this WebApplication app)
    {
        app.MapGet("/health", () => TypedResults.Text("ok")).ExcludeFromDescription();
        app.MapGet("/api/whoami", WhoAmI);
        app.MapGet("/{**rest}", Page);
        return app;
    }

    /// <summary>Signature over this request, this system's id, freshness and nonce: all checked by the verifier.</summary>
    private static Ok<VerifiedIdentity> WhoAmI(HttpRequest request, IdentityHeaderVerifier verifier) =>
        TypedResults.Ok(verifier.Verify(request));

    private static ContentHttpResult Page(HttpRequest request, IdentityHeaderVerifier verifier, IOptions<StandInOptions> options)
    {
        var standIn = options.Value;
        var identity = verifier.Verify(request);
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{{E(standIn.DisplayName)}} (demo)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
            .ok{color:#060}.bad{color:#a00}</style></head><body>
            <h1>{{E(standIn.DisplayName)}} <small>(demo bakom porten)</small></h1>
            """);
        if (identity.IsValid)
        {
            html.Append($"""<p class="ok">✔ Signaturen från porten stämmer (signerad {identity.SignedAt:yyyy-MM-dd HH:mm:ss} UTC för systemet <code>{E(identity.System!)}</code>).</p>""");
            html.Append("<h2>Uppgifter som porten lämnade ut</h2><table><tr><th>Attribut</th><th>Värde</th></tr>");
            foreach (var (name, values) in identity.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                html.Append($"<tr><td><code>{E(name)}</code></td><td>{E(string.Join(", ", values))}</td></tr>");
            }
            html.Append("</table><p>Bara attribut på systemets utlämningslista i registret skickas hit.</p>");
        }
        else
        {
            var through = standIn.GatewayAddress is { } gateway ? $": <a href=\"{E(gateway.AbsoluteUri)}\">{E(gateway.AbsoluteUri)}</a>" : "";
            html.Append($"""<p class="bad">✘ Ingen giltig identitet: {E(identity.Failure ?? "")}</p><p>Öppna sidan genom porten{through}.</p>""");
        }
        html.Append("<h2>Mottagna X-Federation-huvuden</h2><pre>");
        foreach (var (name, value) in request.Headers.Where(h => FederationHeaders.IsFederationHeader(h.Key)).OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            html.Append(E($"{name}: {value}")).Append('\n');
        }
        html.Append($"</pre><p><small>Sökväg: {E(request.PathBase + request.Path)} · trace {E(System.Diagnostics.Activity.Current?.TraceId.ToString() ?? "-")}</small></p></body></html>");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static string E(string text) => Html.Encode(text);
}
