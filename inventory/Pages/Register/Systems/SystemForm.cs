using System.Globalization;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>
/// A system as the create and edit forms hold it: one entry per form field, named by the field's
/// JSON path in the record (<c>processing.purposes</c>), so the register's validation problems
/// (<see cref="SystemValidator.Check"/>) land beside the field they name. Lists are one value a line,
/// catalog codes are checkbox groups. The form never checks a rule itself: it only turns text into
/// a record, and says so when a number or a date cannot be read.
/// </summary>
public sealed class SystemForm
{
    /// <summary>How a field is entered.</summary>
    public enum Kind
    {
        /// <summary>One line of text.</summary>
        Text,
        /// <summary>A textarea, one value a line.</summary>
        Lines,
        /// <summary>Checkboxes: any of a catalog's codes.</summary>
        Choices,
        /// <summary>Radio buttons: one of a catalog's codes.</summary>
        Choice,
        /// <summary>One checkbox: yes or no.</summary>
        Flag,
    }

    /// <summary>Every field of the forms, in the order of the page.</summary>
    public static readonly IReadOnlyDictionary<string, Kind> Fields = new Dictionary<string, Kind>(StringComparer.Ordinal)
    {
        ["id"] = Kind.Text,
        ["name"] = Kind.Text,
        ["description"] = Kind.Lines,
        ["vendor"] = Kind.Text,
        ["category"] = Kind.Text,
        ["owner"] = Kind.Text,
        ["administrator"] = Kind.Text,
        ["ownerAccounts"] = Kind.Lines,
        ["lifecycle"] = Kind.Choice,
        ["processing.controller"] = Kind.Text,
        ["processing.controllerContact"] = Kind.Text,
        ["processing.dataProtectionOfficer"] = Kind.Text,
        ["processing.purposes"] = Kind.Lines,
        ["processing.legalBasis"] = Kind.Choices,
        ["processing.dataSubjectCategories"] = Kind.Lines,
        ["processing.personalDataCategories"] = Kind.Choices,
        [OtherCategories] = Kind.Lines,
        ["processing.specialCategories"] = Kind.Choices,
        ["processing.recipients"] = Kind.Lines,
        ["processing.thirdCountryTransfers"] = Kind.Lines,
        ["processing.retention"] = Kind.Text,
        ["processing.retentionDays"] = Kind.Text,
        ["processing.securityMeasures"] = Kind.Lines,
        ["processing.processor.name"] = Kind.Text,
        ["processing.processor.agreementSigned"] = Kind.Flag,
        ["processing.processor.agreementExpires"] = Kind.Text,
        ["processing.dpiaDone"] = Kind.Flag,
        ["access.roles"] = Kind.Lines,
        ["access.groups"] = Kind.Lines,
        ["access.schoolUnits"] = Kind.Lines,
        ["access.assuranceLevel"] = Kind.Choice,
        ["access.release"] = Kind.Choices,
        ["integration.samlSp.entityId"] = Kind.Text,
        ["integration.samlSp.acsUrl"] = Kind.Text,
        ["integration.samlSp.metadataUrl"] = Kind.Text,
        ["integration.samlSp.certificate"] = Kind.Lines,
        ["integration.samlSp.nameIdFormat"] = Kind.Choice,
        ["integration.samlSp.wantAssertionsSigned"] = Kind.Flag,
        ["integration.oidcClient.clientId"] = Kind.Text,
        ["integration.oidcClient.clientSecret"] = Kind.Text,
        ["integration.oidcClient.redirectUris"] = Kind.Lines,
        ["integration.oidcClient.postLogoutRedirectUris"] = Kind.Lines,
        ["integration.oidcClient.grantTypes"] = Kind.Choices,
        ["integration.oidcClient.scopes"] = Kind.Lines,
        ["integration.backend.publicPath"] = Kind.Text,
        ["integration.backend.upstreams"] = Kind.Lines,
        ["integration.backend.healthPath"] = Kind.Text,
        ["integration.backend.identityForwarding"] = Kind.Choice,
        ["integration.backend.audience"] = Kind.Text,
        ["integration.backend.publicHost"] = Kind.Text,
    };

    /// <summary>Personal-data categories outside the catalog (betyg, frånvaro, …), one a line, beside the catalog's checkboxes.</summary>
    public const string OtherCategories = "processing.personalDataCategories.other";

    /// <summary>The write-only secret: left empty, the stored one is kept.</summary>
    public const string ClientSecret = "integration.oidcClient.clientSecret";

    /// <summary>The separator of country, recipient and safeguard on a line of third-country transfers.</summary>
    public const char TransferSeparator = ';';

    private readonly Dictionary<string, List<string>> values;

    private SystemForm(Dictionary<string, List<string>> values) => this.values = values;

    /// <summary>The one value of a text, lines or radio field ("" when empty).</summary>
    public string Text(string field) => values.TryGetValue(field, out var v) && v.Count > 0 ? v[0] : "";

    /// <summary>The checked codes of a checkbox group.</summary>
    public IReadOnlyList<string> Checked(string field) => values.TryGetValue(field, out var v) ? v : [];

    public bool IsChecked(string field, string code) => Checked(field).Contains(code, StringComparer.Ordinal);

    public bool Flag(string field) => Text(field) == "true";

    /// <summary>A new system: empty, loa2, Anskaffning, signed assertions and the code flow preselected.</summary>
    public static SystemForm Empty() => FromRecord(new SystemRecord(
        "", "", null, null, "", "", "", LifecyclePhase.Anskaffning, null,
        new ProcessingRecord("", "", null, [], [], [], [], [], [], [], null, null, [], null, false),
        new AccessPolicy([], [], [], Federation.Core.Access.AssuranceLevel.Loa2.Name, [])));

    public static SystemForm FromRecord(SystemRecord r)
    {
        var p = r.Processing;
        var i = r.Integration;
        var known = p.PersonalDataCategories.Where(PersonalDataCategory.IsKnown).ToList();
        var form = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["id"] = [r.Id],
            ["name"] = [r.Name],
            ["description"] = [r.Description ?? ""],
            ["vendor"] = [r.Vendor ?? ""],
            ["category"] = [r.Category],
            ["owner"] = [r.Owner],
            ["administrator"] = [r.Administrator],
            ["ownerAccounts"] = [Lines(r.OwnerAccounts)],
            ["lifecycle"] = [r.Lifecycle.ToString()],
            ["processing.controller"] = [p.Controller],
            ["processing.controllerContact"] = [p.ControllerContact],
            ["processing.dataProtectionOfficer"] = [p.DataProtectionOfficer ?? ""],
            ["processing.purposes"] = [Lines(p.Purposes)],
            ["processing.legalBasis"] = [.. p.LegalBasis],
            ["processing.dataSubjectCategories"] = [Lines(p.DataSubjectCategories)],
            ["processing.personalDataCategories"] = known,
            [OtherCategories] = [Lines(p.PersonalDataCategories.Where(c => !PersonalDataCategory.IsKnown(c)))],
            ["processing.specialCategories"] = [.. p.SpecialCategories],
            ["processing.recipients"] = [Lines(p.Recipients)],
            ["processing.thirdCountryTransfers"] = [Lines(p.ThirdCountryTransfers.Select(TransferLine))],
            ["processing.retention"] = [p.Retention ?? ""],
            ["processing.retentionDays"] = [p.RetentionDays?.ToString(CultureInfo.InvariantCulture) ?? ""],
            ["processing.securityMeasures"] = [Lines(p.SecurityMeasures)],
            ["processing.processor.name"] = [p.Processor?.Name ?? ""],
            ["processing.processor.agreementSigned"] = p.Processor?.AgreementSigned == true ? ["true"] : [],
            ["processing.processor.agreementExpires"] = [p.Processor?.AgreementExpires?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""],
            ["processing.dpiaDone"] = p.DpiaDone ? ["true"] : [],
            ["access.roles"] = [Lines(r.Access.Roles)],
            ["access.groups"] = [Lines(r.Access.Groups)],
            ["access.schoolUnits"] = [Lines(r.Access.SchoolUnits)],
            ["access.assuranceLevel"] = [r.Access.AssuranceLevel],
            ["access.release"] = [.. r.Access.Release],
            ["integration.samlSp.entityId"] = [i?.SamlSp?.EntityId ?? ""],
            ["integration.samlSp.acsUrl"] = [i?.SamlSp?.AcsUrl ?? ""],
            ["integration.samlSp.metadataUrl"] = [i?.SamlSp?.MetadataUrl ?? ""],
            ["integration.samlSp.certificate"] = [i?.SamlSp?.Certificate ?? ""],
            ["integration.samlSp.nameIdFormat"] = [i?.SamlSp?.NameIdFormat ?? SystemValidator.NameIdFormats[0]],
            ["integration.samlSp.wantAssertionsSigned"] = i?.SamlSp?.WantAssertionsSigned == false ? [] : ["true"],
            ["integration.oidcClient.clientId"] = [i?.OidcClient?.ClientId ?? ""],
            [ClientSecret] = [""],
            ["integration.oidcClient.redirectUris"] = [Lines(i?.OidcClient?.RedirectUris ?? [])],
            ["integration.oidcClient.postLogoutRedirectUris"] = [Lines(i?.OidcClient?.PostLogoutRedirectUris ?? [])],
            ["integration.oidcClient.grantTypes"] = i?.OidcClient is { } c ? [.. c.GrantTypes] : ["authorization_code"],
            ["integration.oidcClient.scopes"] = [Lines(i?.OidcClient?.Scopes ?? [])],
            ["integration.backend.publicPath"] = [i?.Backend?.PublicPath ?? ""],
            ["integration.backend.upstreams"] = [Lines(i?.Backend?.Upstreams ?? [])],
            ["integration.backend.healthPath"] = [i?.Backend?.HealthPath ?? ""],
            ["integration.backend.identityForwarding"] = [(i?.Backend?.IdentityForwarding ?? IdentityForwarding.Headers) == IdentityForwarding.Token ? "token" : "headers"],
            ["integration.backend.audience"] = [i?.Backend?.Audience ?? ""],
            ["integration.backend.publicHost"] = [i?.Backend?.PublicHost ?? ""],
        };
        return new SystemForm(form);
    }

    /// <summary>The posted form: only the fields of <see cref="Fields"/>; an unchecked box is simply absent.</summary>
    public static SystemForm FromPost(IFormCollection form, string prefix = "")
    {
        var read = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (field, kind) in Fields)
        {
            var posted = form[prefix + field];
            read[field] = kind == Kind.Choices || kind == Kind.Flag
                ? posted.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).ToList()
                : [Normalize(posted.Count > 0 ? posted[0] ?? "" : "")];
        }

        return new SystemForm(read);
    }

    /// <summary>
    /// The record the form describes (the id from <paramref name="id"/> when given: an edit never
    /// renames), and the values it could not read (a number or a date), by the field's path.
    /// An integration section counts as given when any of its address fields is filled in.
    /// </summary>
    public (SystemRecord Record, IReadOnlyList<FieldProblem> Unreadable) ToRecord(string? id = null)
    {
        List<FieldProblem> unreadable = [];
        int? retentionDays = null;
        if (Text("processing.retentionDays").Trim() is { Length: > 0 } days)
        {
            if (int.TryParse(days, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                retentionDays = parsed;
            }
            else
            {
                unreadable.Add(new FieldProblem("processing.retentionDays", new("Ange ett heltal (antal dagar).", "Give a whole number of days.")));
            }
        }

        DateOnly? expires = null;
        if (Text("processing.processor.agreementExpires").Trim() is { Length: > 0 } date)
        {
            if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                expires = parsed;
            }
            else
            {
                unreadable.Add(new FieldProblem("processing.processor.agreementExpires", new("Ange ett datum som 2027-06-30 (år-månad-dag).", "Give a date such as 2027-06-30.")));
            }
        }

        var processorName = Optional("processing.processor.name");
        var signed = Flag("processing.processor.agreementSigned");
        var processor = processorName is not null || signed || expires is not null
            ? new ProcessorAgreement(processorName ?? "", signed, expires)
            : null;

        var lifecycle = Enum.TryParse<LifecyclePhase>(Text("lifecycle"), out var phase) && Enum.IsDefined(phase) ? phase : (LifecyclePhase)(-1);
        var processing = new ProcessingRecord(
            Text("processing.controller").Trim(),
            Text("processing.controllerContact").Trim(),
            Optional("processing.dataProtectionOfficer"),
            LinesOf("processing.purposes"),
            [.. Checked("processing.legalBasis")],
            LinesOf("processing.dataSubjectCategories"),
            [.. Checked("processing.personalDataCategories"), .. LinesOf(OtherCategories)],
            [.. Checked("processing.specialCategories")],
            LinesOf("processing.recipients"),
            LinesOf("processing.thirdCountryTransfers").Select(ParseTransfer).ToList(),
            Optional("processing.retention"),
            retentionDays,
            LinesOf("processing.securityMeasures"),
            processor,
            Flag("processing.dpiaDone"));
        var access = new AccessPolicy(
            LinesOf("access.roles"), LinesOf("access.groups"), LinesOf("access.schoolUnits"),
            Text("access.assuranceLevel"), [.. Checked("access.release")]);

        var record = new SystemRecord(
            id ?? Text("id").Trim(), Text("name").Trim(), Optional("description"), Optional("vendor"), Text("category").Trim(),
            Text("owner").Trim(), Text("administrator").Trim(), lifecycle, Integration(), processing, access)
        {
            OwnerAccounts = LinesOf("ownerAccounts"),
        };
        return (record, unreadable);
    }

    private Integration? Integration()
    {
        FeedSamlSp? sp = null;
        if (AnyGiven("integration.samlSp.entityId", "integration.samlSp.acsUrl", "integration.samlSp.metadataUrl", "integration.samlSp.certificate"))
        {
            sp = new FeedSamlSp(Text("integration.samlSp.entityId").Trim(), Text("integration.samlSp.acsUrl").Trim(),
                Optional("integration.samlSp.certificate")?.Replace("\n", "", StringComparison.Ordinal), Optional("integration.samlSp.metadataUrl"),
                Text("integration.samlSp.nameIdFormat"), Flag("integration.samlSp.wantAssertionsSigned"));
        }

        FeedOidcClient? client = null;
        if (AnyGiven("integration.oidcClient.clientId", "integration.oidcClient.redirectUris", "integration.oidcClient.postLogoutRedirectUris", "integration.oidcClient.scopes", ClientSecret))
        {
            client = new FeedOidcClient(Text("integration.oidcClient.clientId").Trim(), null,
                LinesOf("integration.oidcClient.redirectUris"), LinesOf("integration.oidcClient.postLogoutRedirectUris"),
                [.. Checked("integration.oidcClient.grantTypes")], LinesOf("integration.oidcClient.scopes"))
            {
                // Empty: keep the stored secret (SystemRecord.KeepingSecretOf).
                ClientSecret = Optional(ClientSecret),
            };
        }

        FeedBackend? backend = null;
        if (AnyGiven("integration.backend.publicPath", "integration.backend.upstreams", "integration.backend.healthPath", "integration.backend.publicHost"))
        {
            backend = new FeedBackend(Text("integration.backend.publicPath").Trim(), LinesOf("integration.backend.upstreams"),
                Optional("integration.backend.healthPath"),
                Text("integration.backend.identityForwarding") == "token" ? IdentityForwarding.Token : IdentityForwarding.Headers,
                Optional("integration.backend.audience"), Optional("integration.backend.publicHost"));
        }

        return sp is null && client is null && backend is null ? null : new Integration(sp, client, backend);
    }

    /// <summary>
    /// The person's form laid onto a newer version: every field they changed from the version
    /// they opened keeps their value, every other field takes the newer version's. Nothing they
    /// typed is lost, and nothing someone else saved meanwhile is undone unless they changed it too.
    /// </summary>
    public SystemForm OntoNewer(SystemForm opened, SystemForm current)
    {
        var merged = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var field in Fields.Keys)
        {
            merged[field] = SameValue(field, opened) ? [.. current.Values(field)] : [.. Values(field)];
        }

        return new SystemForm(merged);
    }

    /// <summary>The fields whose value differs from <paramref name="other"/>.</summary>
    public IEnumerable<string> ChangedFrom(SystemForm other) => Fields.Keys.Where(f => !SameValue(f, other));

    private bool SameValue(string field, SystemForm other) => Fields[field] == Kind.Choices
        ? Values(field).Order(StringComparer.Ordinal).SequenceEqual(other.Values(field).Order(StringComparer.Ordinal))
        : Normalize(Text(field)).Trim() == Normalize(other.Text(field)).Trim();

    private List<string> Values(string field) => values.TryGetValue(field, out var v) ? v : [];

    /// <summary>The form field a validation problem's JSON path belongs to: list items and parts of a line belong to the list's field.</summary>
    public static string? FieldOf(string path)
    {
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        var field = bracket < 0 ? path : path[..bracket];
        return Fields.ContainsKey(field) ? field : null;
    }

    /// <summary>The HTML id of a field's input (of a checkbox group: its first box), for labels and the error summary's links.</summary>
    public static string ElementId(string field) => "f-" + field.Replace('.', '-');

    /// <summary>The problems grouped by form field; problems of no field (e.g. <c>$</c>) under "".</summary>
    public static Dictionary<string, List<PersonText>> ByField(IEnumerable<FieldProblem> problems)
    {
        var byField = new Dictionary<string, List<PersonText>>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            var field = FieldOf(problem.Path) ?? "";
            if (!byField.TryGetValue(field, out var list))
            {
                byField[field] = list = [];
            }

            if (!list.Contains(problem.Message))
            {
                list.Add(problem.Message);
            }
        }

        return byField;
    }

    private bool AnyGiven(params string[] fields) => fields.Any(f => Text(f).Trim().Length > 0);

    private string? Optional(string field) => Text(field).Trim() is { Length: > 0 } v ? v : null;

    private List<string> LinesOf(string field) =>
        Text(field).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Lines(IEnumerable<string> values) => string.Join('\n', values);

    private static string Normalize(string value) => value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static string TransferLine(ThirdCountryTransfer t) =>
        string.Join($"{TransferSeparator} ", new[] { t.Country, t.Recipient ?? "", t.Safeguard ?? "" }).TrimEnd(' ', TransferSeparator);

    private static ThirdCountryTransfer ParseTransfer(string line)
    {
        var parts = line.Split(TransferSeparator, 3, StringSplitOptions.TrimEntries);
        return new ThirdCountryTransfer(parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null, parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null);
    }
}
