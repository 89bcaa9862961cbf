using System.Globalization;

namespace Federation.Core.Text;

/// <summary>
/// Text a person reads (a page, a refusal, a notice), in the federation's two languages. Swedish
/// unless the person chose English: every service picks with the request's UI culture, which the
/// request localization of <see cref="PersonLanguage"/> sets from the culture cookie, the query or
/// <c>Accept-Language</c>. Text for developers (problem details, protocol errors) is English only
/// and does not use this type.
/// </summary>
public sealed record PersonText(string Sv, string En)
{
    /// <summary>The text in <paramref name="culture"/>'s language: English for <c>en</c>, Swedish for everything else.</summary>
    public string In(CultureInfo culture) => PersonLanguage.IsEnglish(culture) ? En : Sv;

    /// <summary>The text in the current request's language.</summary>
    public string Current => In(CultureInfo.CurrentUICulture);

    /// <summary>Both languages with the same values filled in (<see cref="string.Format(IFormatProvider, string, object?[])"/>).</summary>
    public PersonText Format(params object?[] values) =>
        new(string.Format(PersonLanguage.Swedish, Sv, values), string.Format(PersonLanguage.English, En, values));
}
