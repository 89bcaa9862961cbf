namespace Federation.Testing;

/// <summary>
/// A person at the idp's sign-in pages, as a browser without JavaScript: user name and password
/// on <c>/login</c>, the authenticator's code on <c>/mfa</c>. Each page is fetched first so its
/// antiforgery token and hidden fields (ReturnUrl, …) go along with what the person types.
/// The one driver of the idp's forms for every test project.
/// </summary>
public sealed record LoginForm(string UserName, string Password = LoginForm.DemoPassword, string? TotpSecret = null)
{
    /// <summary>The password of the idp's demo and test accounts.</summary>
    public const string DemoPassword = "Skola-Demo-2026!";

    public const string LoginPath = "/login";
    public const string MfaPath = "/mfa";

    public static bool IsLoginPage(Uri page) => page.AbsolutePath.Equals(LoginPath, StringComparison.OrdinalIgnoreCase);

    public static bool IsMfaPage(Uri page) => page.AbsolutePath.Equals(MfaPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>What the person types on the login page.</summary>
    public Dictionary<string, string> Credentials => new(StringComparer.Ordinal) { ["UserName"] = UserName, ["Password"] = Password };

    /// <summary>The code the person's authenticator shows now.</summary>
    public Dictionary<string, string> Code() => new(StringComparer.Ordinal)
    {
        ["Code"] = Totp.Code(TotpSecret ?? throw new InvalidOperationException($"The idp asks {UserName} for a code, and the test gave no TOTP secret.")),
    };

    /// <summary>
    /// Fills in and submits <paramref name="page"/> when it is the idp's login or MFA page (the
    /// caller knows it is the idp's); null for any other page, which the caller follows itself.
    /// </summary>
    public async Task<HttpResponseMessage?> TryFillInAsync(HttpClient http, Uri page) =>
        IsLoginPage(page) ? await HtmlForm.FillInAsync(http, page, Credentials)
        : IsMfaPage(page) ? await HtmlForm.FillInAsync(http, page, Code())
        : null;

    /// <summary>Submits the login page the caller has already fetched (<paramref name="html"/>).</summary>
    public Task<HttpResponseMessage> SubmitAsync(HttpClient http, Uri page, string html) => HtmlForm.PostAsync(http, page, html, Credentials);
}
