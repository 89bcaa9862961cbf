using Federation.Core.Text;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Import;
using Federation.Inventory.Register;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Inventory.Pages.Register.Import;

/// <summary>
/// <c>/register/import</c>: a register administrator uploads the register spreadsheet (CSV), sees
/// per system what would change (the import's dry run, <see cref="SystemStore.PreviewImportAsync"/>),
/// and applies exactly that preview: the file and the register version it was made on travel with
/// the "Genomför" button, and if the register changed since, nothing is written and the new
/// preview is shown. The rules are the API's import (<see cref="RegisterCsv"/>, <see cref="SystemValidator"/>).
/// </summary>
[RequestSizeLimit(Apis.ImportApi.MaxBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Apis.ImportApi.MaxBodyBytes, ValueLengthLimit = (int)Apis.ImportApi.MaxBodyBytes)]
public sealed class IndexModel(SystemStore store) : PageModel
{
    /// <summary>The uploaded file's text, carried to "Genomför".</summary>
    public string Csv { get; private set; } = "";

    public ImportResult? Preview { get; private set; }

    public IReadOnlyList<RowError> Errors { get; private set; } = [];

    /// <summary>Set after "Genomför" when the register had changed since the preview.</summary>
    public bool Stale { get; private set; }

    public ImportResult? Applied { get; private set; }

    public PersonText? Problem { get; private set; }

    public IActionResult OnGet() => Allowed() ? Page() : LocalRedirect(RegisterSignIn.RefusedPath);

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!Allowed())
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        if (file is null || file.Length == 0)
        {
            Problem = new("Välj en CSV-fil att läsa in.", "Choose a CSV file to import.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        using var reader = new StreamReader(file.OpenReadStream());
        Csv = await reader.ReadToEndAsync(ct);
        return await PreviewAsync(ct);
    }

    public async Task<IActionResult> OnPostApplyAsync(string csv, long registerVersion, CancellationToken ct)
    {
        if (!Allowed())
        {
            return LocalRedirect(RegisterSignIn.RefusedPath);
        }

        Csv = csv;
        var (rows, errors) = RegisterCsv.Parse(csv);
        if (errors.Count > 0)
        {
            return await PreviewAsync(ct);
        }

        var result = await store.ImportAsync(rows, RegisterPerson.From(User).Actor, ct, registerVersion);
        if (result.Applied)
        {
            Applied = result;
            return Page();
        }

        Stale = result.Stale;
        Preview = result;
        Errors = result.Errors;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<IActionResult> PreviewAsync(CancellationToken ct)
    {
        var (rows, errors) = RegisterCsv.Parse(Csv);
        if (errors.Count > 0)
        {
            Errors = errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Preview = await store.PreviewImportAsync(rows, RegisterPerson.From(User).Actor, ct);
        Errors = Preview.Errors;
        return Page();
    }

    private bool Allowed() => RegisterPermissions.CanImport(RegisterPerson.From(User));

    /// <summary>The column or field an error names, in words.</summary>
    public static string Column(RowError error) =>
        error.Field == "$" ? new PersonText("hela raden", "the whole row").Current
        : error.Field.Contains('.', StringComparison.Ordinal) || error.Field is "id" or "name" or "category" or "owner" or "administrator" or "lifecycle" or "description" or "vendor"
            ? RegisterText.Field(error.Field).Current
            : error.Field;
}
