using System.Security.Claims;
using Federation.Core.Navigation;
using Federation.Core.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Ui;

/// <summary>A link in a service's navigation bar, shown to the people <see cref="ShownTo"/> lets in.</summary>
public sealed record NavigationLink(PersonText Label, string Href, Func<ClaimsPrincipal, bool>? ShownTo = null);

/// <summary>What the shared layout needs to know about the service it frames.</summary>
public sealed class FederationUiOptions
{
    /// <summary>The service's name in the header, e.g. "Systemregistret".</summary>
    public PersonText ServiceName { get; set; } = new("Skolfederationen", "School federation");

    /// <summary>Where the service name links to.</summary>
    public string HomePath { get; set; } = "/";

    /// <summary>The path a sign-out form posts to; null hides the sign-out button.</summary>
    public string? SignOutPath { get; set; }

    public List<NavigationLink> Navigation { get; } = [];
}

/// <summary>The one look of every service's pages: layout, stylesheet and language switch.</summary>
public static class FederationUi
{
    /// <summary>The path prefix of the shared assets; the gateway keeps it for itself (IntegrationRules).</summary>
    public const string AssetsPath = "/_federation";

    public const string Stylesheet = AssetsPath + "/federation.css";

    public const string LanguageSwitchPath = "/culture";

    private static readonly Lazy<(byte[] Body, string ETag)> StylesheetFile = new(() =>
    {
        using var stream = typeof(FederationUi).Assembly.GetManifestResourceStream("federation.css")
            ?? throw new InvalidOperationException("federation.css is not embedded in Federation.Ui.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var body = copy.ToArray();
        return (body, "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..16] + "\"");
    });

    public static IServiceCollection AddFederationUi(this IServiceCollection services, Action<FederationUiOptions> configure)
    {
        services.Configure(configure);
        return services;
    }

    /// <summary>The shared stylesheet and the language switch.</summary>
    public static IEndpointRouteBuilder MapFederationUi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Stylesheet, (HttpContext http) =>
        {
            var (body, etag) = StylesheetFile.Value;
            http.Response.Headers.CacheControl = "public, max-age=3600";
            http.Response.Headers.ETag = etag;
            return http.Request.Headers.IfNoneMatch == etag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(body, "text/css; charset=utf-8");
        }).ExcludeFromDescription().AllowAnonymous();
        return app.MapPersonLanguageSwitch();
    }

    /// <summary>
    /// <c>GET /culture?c=en|sv&amp;returnUrl=…</c>: remembers the person's language in the request
    /// localization cookie and goes back, to a local address only.
    /// </summary>
    public static IEndpointRouteBuilder MapPersonLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet(LanguageSwitchPath, (HttpContext http, string? c, string? returnUrl) =>
        {
            var culture = c == PersonLanguage.English.Name ? PersonLanguage.English : PersonLanguage.Swedish;
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            return Results.LocalRedirect(ReturnUrl.OrHome(returnUrl));
        }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>The language the switch offers: the one the page is not in.</summary>
    public static System.Globalization.CultureInfo OtherLanguage =>
        PersonLanguage.Current == PersonLanguage.English ? PersonLanguage.Swedish : PersonLanguage.English;

    /// <summary>The link that switches to the other language and comes back to this page.</summary>
    public static string OtherLanguageHref(HttpRequest request)
    {
        var back = request.PathBase + request.Path + request.QueryString;
        return $"{LanguageSwitchPath}?c={OtherLanguage.Name}&returnUrl={Uri.EscapeDataString(back)}";
    }

    /// <summary>The name to greet a signed-in person by.</summary>
    public static string? DisplayName(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? user.FindFirst("name")?.Value ?? user.FindFirst("preferred_username")?.Value ?? user.Identity.Name
            : null;
}
