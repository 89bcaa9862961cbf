using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Federation.Demo.EService;

/// <summary>The e-service's pages: who signed in and at which level, and sign-out (here and at the idp).</summary>
public static class EServicePages
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static WebApplication MapEServicePages(this WebApplication app)
    {
        app.MapGet("/", StartAsync);
        app.MapPost("/signout", () => TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
        app.MapGet("/signed-out", async (HttpResponse response, IOptions<EServiceOptions> options) =>
            await WritePageAsync(response, options.Value, """<p>Du är utloggad från e-tjänsten och från kommunens inloggning.</p><p><a href="/">Logga in igen</a></p>"""));
        return app;
    }

    /// <summary>Signed in: who and how strongly; not signed in: off to the idp (single sign-on, step-up there).</summary>
    private static async Task StartAsync(HttpContext context, IOptions<EServiceOptions> options)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync(new AuthenticationProperties { RedirectUri = "/" });
            return;
        }
        string Claim(string type) => E(user.FindFirst(type)?.Value ?? "–");
        var name = user.FindFirst("name")?.Value
                   ?? string.Join(' ', new[] { user.FindFirst("given_name")?.Value, user.FindFirst("family_name")?.Value }.OfType<string>());
        await WritePageAsync(context.Response, options.Value, $"""
            <p class="ok">Inloggad som <strong id="person">{E(name)}</strong>.</p>
            <table>
            <tr><th scope="row">Tillitsnivå (acr)</th><td id="acr">{Claim("acr")}</td></tr>
            <tr><th scope="row">Sätt (amr)</th><td>{E(string.Join(", ", user.FindAll("amr").Select(c => c.Value)))}</td></tr>
            <tr><th scope="row">Personnummer</th><td>{Claim("personnummer")}</td></tr>
            <tr><th scope="row">Identifierare (sub)</th><td><code>{Claim("sub")}</code></td></tr>
            </table>
            <p>Tjänsten kräver tillitsnivå <strong>{E(options.Value.RequiredLevel)}</strong>: inloggningstjänsten bad om den andra faktorn om du bara hade loggat in med lösenord.</p>
            <form method="post" action="/signout"><button>Logga ut</button></form>
            """);
    }

    public static Task WriteRefusalAsync(HttpResponse response, EServiceOptions service, string? why) =>
        WritePageAsync(response, service, $"""<p class="bad">Inloggningen godtogs inte: {E(why ?? "okänt fel")}</p><p><a href="/">Försök igen</a></p>""");

    private static Task WritePageAsync(HttpResponse response, EServiceOptions service, string bodyHtml)
    {
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync($$"""
            <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{{E(service.DisplayName)}} (demo)</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
            table{border-collapse:collapse}td,th{border:1px solid #767676;padding:.3rem .6rem;text-align:left}
            .ok{color:#064d00}.bad{color:#a00}</style></head><body><main>
            <h1>{{E(service.DisplayName)}} <small>(demo, egen OIDC-klient)</small></h1>
            {{bodyHtml}}
            </main></body></html>
            """);
    }

    private static string E(string text) => Html.Encode(text);
}
