using System.Globalization;
using Federation.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Core.Text;

/// <summary>
/// The one language rule for people, the same in every service: Swedish by default, English when
/// the person asks for it (the culture cookie a language link sets, <c>?culture=en</c>, or the
/// browser's <c>Accept-Language</c>). Configured once for all services by the service defaults.
/// </summary>
public static class PersonLanguage
{
    public static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv");

    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";

    /// <summary>The language the current request is answered in (for <c>&lt;html lang&gt;</c>).</summary>
    public static CultureInfo Current => IsEnglish(CultureInfo.CurrentUICulture) ? English : Swedish;

    /// <summary>
    /// Request localization with Swedish as the default and English as the only other choice. Only
    /// the UI culture (the language of text) follows the person; formatting stays invariant, so
    /// nothing a program reads (headers, numbers, dates in protocol messages) changes with a browser.
    /// </summary>
    public static IServiceCollection AddPersonLanguage(this IServiceCollection services) =>
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Swedish);
            o.SupportedCultures = [CultureInfo.InvariantCulture];
            o.SupportedUICultures = [Swedish, English];
            // en-GB, sv-FI … count as their language.
            o.FallBackToParentUICultures = true;
            for (var i = 0; i < o.RequestCultureProviders.Count; i++)
            {
                if (o.RequestCultureProviders[i] is CookieRequestCultureProvider)
                {
                    o.RequestCultureProviders[i] = new LanguageCookieProvider();
                }
            }
        });

    /// <summary>
    /// The framework's culture cookie, read without parsing every cookie of the request (a gateway
    /// request carries a session cookie of several KB; see <see cref="CookieHeader"/>).
    /// </summary>
    private sealed class LanguageCookieProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            CookieHeader.Find(httpContext.Request, CookieRequestCultureProvider.DefaultCookieName) is { Length: > 0 } value
                ? Task.FromResult(CookieRequestCultureProvider.ParseCookieValue(value))
                : NullProviderCultureResult;
    }
}
