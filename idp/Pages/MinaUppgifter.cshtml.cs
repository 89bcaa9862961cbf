using System.Globalization;
using Federation.Idp.Audit;
using Federation.Idp.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

/// <summary>
/// "Mina uppgifter": the signed-in person's own data and which systems received which of it
/// (GDPR Art. 15), with a download. Whose data is always the session's person: the page takes no
/// subject from the request, so no one can ask for someone else's. Without a session the cookie
/// handler sends the person to the login page and back here.
/// </summary>
[Authorize(AuthenticationSchemes = FederationSession.Scheme)]
public sealed class MinaUppgifterModel(PersonReleases releases, TimeProvider time, ILogger<MinaUppgifterModel> logger) : PageModel
{
    public const string Path = "/mina-uppgifter";

    public PersonalData Data { get; private set; } = null!;

    /// <summary>True when the register could not be asked: the page says so instead of claiming nothing was released.</summary>
    public bool RegisterUnavailable { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync() is { } refused)
        {
            return refused;
        }
        return Page();
    }

    /// <summary><c>/mina-uppgifter/download?format=json|csv</c>: the same data as a file.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(string? format)
    {
        if (await LoadAsync() is { } refused)
        {
            return refused;
        }
        if (RegisterUnavailable)
        {
            // A file that leaves out the releases would say less than the truth: show the page's notice instead.
            return Page();
        }
        return format == "csv"
            ? File(Data.ToCsv(CultureInfo.CurrentUICulture), "text/csv; charset=utf-8", Data.FileName("csv"))
            : File(Data.ToJson(), "application/json; charset=utf-8", Data.FileName("json"));
    }

    private async Task<IActionResult?> LoadAsync()
    {
        if (await FederationSession.GetAsync(HttpContext) is not { } person)
        {
            return Challenge(FederationSession.Scheme);
        }
        var fromRegister = RegisterReleases.None;
        try
        {
            fromRegister = await releases.ForAsync(person.Subject, HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !HttpContext.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("The register did not give the releases for a person's page: {Reason}", e.Message);
            RegisterUnavailable = true;
        }
        Data = PersonalData.Of(person, fromRegister, time.GetUtcNow(), CultureInfo.CurrentUICulture);
        return null;
    }

    /// <summary>A time as people in the municipality read it (Swedish time), with its offset so it is right even where no time zone data is installed.</summary>
    public static string LocalTime(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Swedish);
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (UTC" + local.ToString("zzz", CultureInfo.InvariantCulture) + ")";
    }

    private static readonly TimeZoneInfo Swedish =
        TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Stockholm", out var zone) ? zone : TimeZoneInfo.Utc;
}
