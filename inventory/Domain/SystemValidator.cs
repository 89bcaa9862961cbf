using System.Text.RegularExpressions;
using Federation.Core.Attributes;
using Federation.Core.Feed;
using Federation.Core.Integration;
using Federation.Core.Text;

namespace Federation.Inventory.Domain;

/// <summary>One problem the register finds in a record: the field's JSON path and what is wrong, in both languages.</summary>
public sealed record FieldProblem(string Path, PersonText Message);

/// <summary>
/// Checks one <see cref="SystemRecord"/> and names every bad field with its JSON path
/// (e.g. <c>access.release[2]</c>), so one answer tells the caller everything to fix. The one
/// rule for the API (English problem details) and the register's pages (Swedish beside the field).
/// </summary>
public static partial class SystemValidator
{
    public static readonly IReadOnlyList<string> LegalBases = ["a", "b", "c", "d", "e", "f"];
    public static readonly IReadOnlyList<string> GrantTypes = ["authorization_code", "refresh_token", "client_credentials"];

    public static readonly IReadOnlyList<string> NameIdFormats =
    [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    ];

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    /// <summary>Left-out lists mean empty lists; a missing record part stays missing for <see cref="Validate"/> to name.</summary>
    public static SystemRecord Normalize(SystemRecord system)
    {
        var p = system.Processing;
        var a = system.Access;
        return system with
        {
            OwnerAccounts = system.OwnerAccounts ?? [],
            Processing = p is null ? null! : p with
            {
                Purposes = p.Purposes ?? [],
                LegalBasis = p.LegalBasis ?? [],
                DataSubjectCategories = p.DataSubjectCategories ?? [],
                PersonalDataCategories = p.PersonalDataCategories ?? [],
                SpecialCategories = p.SpecialCategories ?? [],
                Recipients = p.Recipients ?? [],
                ThirdCountryTransfers = p.ThirdCountryTransfers ?? [],
                SecurityMeasures = p.SecurityMeasures ?? [],
            },
            Access = a is null ? null! : a with
            {
                Roles = a.Roles ?? [],
                Groups = a.Groups ?? [],
                SchoolUnits = a.SchoolUnits ?? [],
                Release = a.Release ?? [],
            },
            Integration = system.Integration is not { } i ? null : i with
            {
                OidcClient = i.OidcClient is not { } c ? null : c with
                {
                    RedirectUris = c.RedirectUris ?? [],
                    PostLogoutRedirectUris = c.PostLogoutRedirectUris ?? [],
                    GrantTypes = c.GrantTypes ?? [],
                    Scopes = c.Scopes ?? [],
                },
                Backend = i.Backend is not { } b ? null : b with { Upstreams = b.Upstreams ?? [] },
                SamlSp = i.SamlSp is not { } sp ? null : sp with { NameIdFormat = sp.NameIdFormat ?? "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" },
            },
        };
    }

    /// <summary>The problems by JSON path, in English: the API's <c>errors</c>.</summary>
    public static Dictionary<string, string[]> Validate(SystemRecord? system) =>
        Check(system).GroupBy(p => p.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message.En).ToArray(), StringComparer.Ordinal);

    /// <summary>Every problem of the record, in the order of its fields.</summary>
    public static IReadOnlyList<FieldProblem> Check(SystemRecord? system)
    {
        var errors = new Errors();
        if (system is null)
        {
            errors.Add("$", new("Uppgifter om systemet saknas.", "A system record is required."));
            return errors.Problems;
        }

        if (string.IsNullOrWhiteSpace(system.Id) || system.Id.Length > 64 || !Slug().IsMatch(system.Id))
        {
            errors.Add("id", new(
                "Ange ett id på högst 64 tecken: små bokstäver a–z, siffror och enkla bindestreck (t.ex. ”procapita”).",
                "Use a slug of at most 64 characters: lower-case letters a-z, digits and single dashes (e.g. 'procapita')."));
        }

        errors.Required("name", system.Name, 200);
        errors.Required("category", system.Category, 100);
        errors.Required("owner", system.Owner, 200);
        errors.Required("administrator", system.Administrator, 200);
        errors.Optional("description", system.Description, 2000);
        errors.Optional("vendor", system.Vendor, 200);
        for (var i = 0; i < (system.OwnerAccounts?.Count ?? 0); i++)
        {
            var account = system.OwnerAccounts![i];
            if (string.IsNullOrWhiteSpace(account) || account.Length > 64 || account.Any(char.IsWhiteSpace))
            {
                errors.Add($"ownerAccounts[{i}]", new(
                    "Ange ett användarnamn på högst 64 tecken utan mellanslag.", "Use a user name (preferred_username) of at most 64 characters without spaces."));
            }
        }

        if (!Enum.IsDefined(system.Lifecycle))
        {
            errors.Add("lifecycle", new("Välj en av livscykelfaserna.", $"Use one of {string.Join(", ", Enum.GetNames<LifecyclePhase>())}."));
        }

        if (system.Processing is null)
        {
            errors.Add("processing", new("Registerförteckningen (GDPR art. 30) krävs.", "The record of processing (GDPR Art. 30) is required."));
        }
        else
        {
            ValidateProcessing(system.Processing, errors);
        }

        if (system.Access is null)
        {
            errors.Add("access", new("Åtkomstregeln krävs.", "The access policy is required."));
        }
        else
        {
            ValidateAccess(system.Access, system.Processing, errors);
        }

        if (system.Integration is { } integration)
        {
            ValidateIntegration(integration, errors);
        }

        return errors.Problems;
    }

    private static void ValidateProcessing(ProcessingRecord p, Errors errors)
    {
        errors.Required("processing.controller", p.Controller, 200);
        errors.Required("processing.controllerContact", p.ControllerContact, 200);
        errors.Optional("processing.dataProtectionOfficer", p.DataProtectionOfficer, 200);
        errors.Texts("processing.purposes", p.Purposes);
        errors.Texts("processing.legalBasis", p.LegalBasis);
        for (var i = 0; i < (p.LegalBasis?.Count ?? 0); i++)
        {
            if (!LegalBases.Contains(p.LegalBasis![i]))
            {
                errors.Add($"processing.legalBasis[{i}]", new(
                    "Ange bokstaven i GDPR art. 6.1: a, b, c, d, e eller f.", "Use the letter of GDPR Art. 6(1): a, b, c, d, e or f."));
            }
        }

        errors.Texts("processing.dataSubjectCategories", p.DataSubjectCategories);
        errors.Texts("processing.personalDataCategories", p.PersonalDataCategories);
        errors.Texts("processing.specialCategories", p.SpecialCategories);
        for (var i = 0; i < (p.SpecialCategories?.Count ?? 0); i++)
        {
            if (!SpecialCategory.SwedishLabels.ContainsKey(p.SpecialCategories![i]))
            {
                errors.Add($"processing.specialCategories[{i}]", new PersonText(
                    "”{0}” är inte en särskild kategori enligt art. 9; använd en av {1}.",
                    "'{0}' is not a special category of Art. 9; use one of {1}.").Format(p.SpecialCategories[i], string.Join(", ", SpecialCategory.SwedishLabels.Keys)));
            }
        }

        errors.Texts("processing.recipients", p.Recipients);
        errors.Texts("processing.securityMeasures", p.SecurityMeasures);
        if (p.ThirdCountryTransfers is null)
        {
            errors.Add("processing.thirdCountryTransfers", new("Ange en lista (tom när inga uppgifter förs över).", "Give a list (empty when there are no transfers)."));
        }
        else
        {
            for (var i = 0; i < p.ThirdCountryTransfers.Count; i++)
            {
                errors.Required($"processing.thirdCountryTransfers[{i}].country", p.ThirdCountryTransfers[i]?.Country, 100);
            }
        }

        errors.Optional("processing.retention", p.Retention, 1000);
        if (p.RetentionDays is < 1 or > 36500)
        {
            errors.Add("processing.retentionDays", new(
                "Ange ett antal dagar mellan 1 och 36500, eller lämna fältet tomt.", "Give a number of days between 1 and 36500, or leave it out."));
        }

        if (p.Processor is { } processor)
        {
            errors.Required("processing.processor.name", processor.Name, 200);
            if (!processor.AgreementSigned && processor.AgreementExpires is not null)
            {
                errors.Add("processing.processor.agreementExpires", new(
                    "Ett slutdatum kräver ett undertecknat avtal.", "An expiry date needs a signed agreement (agreementSigned: true)."));
            }
        }
    }

    private static void ValidateAccess(AccessPolicy a, ProcessingRecord? processing, Errors errors)
    {
        errors.Texts("access.roles", a.Roles);
        errors.Texts("access.groups", a.Groups);
        errors.Texts("access.schoolUnits", a.SchoolUnits);
        // The core's levels, written by name as the register stores them (not the SAML URIs).
        if (Federation.Core.Access.AssuranceLevel.Parse(a.AssuranceLevel) is not { } level || level.Name != a.AssuranceLevel)
        {
            errors.Add("access.assuranceLevel", new(
                "Välj loa2 (lösenord), loa3 (tvåfaktor eller e-legitimation) eller en annan nivå loa1–loa4.",
                "Use loa2 (password), loa3 (MFA or e-legitimation) or another level loa1–loa4."));
        }

        if (a.Release is null)
        {
            errors.Add("access.release", new("Ange en lista över attribut som lämnas ut (tom när inga).", "Give a list of released attributes (empty when none)."));
            return;
        }

        var registered = processing?.PersonalDataCategories ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < a.Release.Count; i++)
        {
            var name = a.Release[i];
            var field = $"access.release[{i}]";
            if (AttributeCatalog.Find(name ?? "") is not { } attribute)
            {
                errors.Add(field, new PersonText(
                    "Attributet ”{0}” kan inte lämnas ut; använd ett av {1}.",
                    "Attribute '{0}' is not releasable; use one of {1}.").Format(name, string.Join(", ", AttributeCatalog.All.Select(x => x.Name))));
            }
            else if (!registered.Contains(attribute.Category))
            {
                var label = PersonalDataCategory.SwedishLabels.GetValueOrDefault(attribute.Category, attribute.Category);
                errors.Add(field, new PersonText(
                    "Attributet ”{0}” får inte lämnas ut: dess personuppgiftskategori ”{2}” finns inte i systemets registerförteckning. Lägg till kategorin eller ta bort attributet.",
                    "Attribute '{0}' may not be released: its personal-data category '{1}' ({2}) is not in the system's record of processing. Register the category or remove the attribute.")
                    .Format(name, attribute.Category, label));
            }
            else if (!seen.Add(name!))
            {
                errors.Add(field, new PersonText("Attributet ”{0}” står två gånger.", "Attribute '{0}' is listed twice.").Format(name));
            }
        }
    }

    private static void ValidateIntegration(Integration integration, Errors errors)
    {
        if (integration.LaunchUrl is not null)
        {
            errors.Rule("integration.launchUrl", IntegrationRules.EndpointUrlProblem(integration.LaunchUrl));
        }

        if (integration.SamlSp is { } sp)
        {
            errors.Required("integration.samlSp.entityId", sp.EntityId, 500);
            errors.Rule("integration.samlSp.acsUrl", IntegrationRules.EndpointUrlProblem(sp.AcsUrl));
            if (sp.MetadataUrl is not null)
            {
                errors.Rule("integration.samlSp.metadataUrl", IntegrationRules.EndpointUrlProblem(sp.MetadataUrl));
            }

            if (!NameIdFormats.Contains(sp.NameIdFormat))
            {
                errors.Add("integration.samlSp.nameIdFormat", new PersonText("Använd ett av {0}.", "Use one of {0}.").Format(string.Join(", ", NameIdFormats)));
            }

            if (sp.Certificate is not null && !IsBase64(sp.Certificate))
            {
                errors.Add("integration.samlSp.certificate", new(
                    "Ange certifikatet som base64-kodad DER (utan PEM-raderna BEGIN/END).", "Give the certificate as base64 DER (no PEM armour)."));
            }
        }

        if (integration.OidcClient is { } client)
        {
            errors.Required("integration.oidcClient.clientId", client.ClientId, 200);
            errors.Rule("integration.oidcClient.clientId", IntegrationRules.ClientIdProblem(client.ClientId));
            errors.Optional("integration.oidcClient.clientSecret", client.ClientSecret, 500);
            EachItem("integration.oidcClient.redirectUris", client.RedirectUris, IntegrationRules.EndpointUrlProblem, errors);
            EachItem("integration.oidcClient.postLogoutRedirectUris", client.PostLogoutRedirectUris, IntegrationRules.EndpointUrlProblem, errors);
            EachItem("integration.oidcClient.scopes", client.Scopes, IntegrationRules.ScopeProblem, errors);
            if (client.GrantTypes is null || client.GrantTypes.Count == 0)
            {
                errors.Add("integration.oidcClient.grantTypes", new PersonText("Välj minst ett av {0}.", "Give at least one of {0}.").Format(string.Join(", ", GrantTypes)));
            }
            else
            {
                for (var i = 0; i < client.GrantTypes.Count; i++)
                {
                    if (!GrantTypes.Contains(client.GrantTypes[i]))
                    {
                        errors.Add($"integration.oidcClient.grantTypes[{i}]", new PersonText("Använd ett av {0}.", "Use one of {0}.").Format(string.Join(", ", GrantTypes)));
                    }
                }

                if (client.GrantTypes.Contains("authorization_code") && (client.RedirectUris?.Count ?? 0) == 0)
                {
                    errors.Add("integration.oidcClient.redirectUris", new(
                        "Flödet authorization_code behöver minst en återadress (redirect URI).", "The authorization_code grant needs at least one redirect URI."));
                }
            }
        }

        if (integration.Backend is { } backend)
        {
            errors.Rule("integration.backend.publicPath", IntegrationRules.GatewayPathProblem(backend.PublicPath));

            if (backend.Upstreams is null || backend.Upstreams.Count == 0)
            {
                errors.Add("integration.backend.upstreams", new("Ange minst en adress till systemet (http eller https).", "Give at least one upstream address (http or https)."));
            }
            else
            {
                EachItem("integration.backend.upstreams", backend.Upstreams, IntegrationRules.UpstreamProblem, errors);
            }

            if (backend.HealthPath is not null)
            {
                errors.Rule("integration.backend.healthPath", IntegrationRules.HealthPathProblem(backend.HealthPath));
            }

            if (backend.PublicHost is not null)
            {
                errors.Rule("integration.backend.publicHost", IntegrationRules.PublicHostProblem(backend.PublicHost));
            }

            if (!Enum.IsDefined(backend.IdentityForwarding))
            {
                errors.Add("integration.backend.identityForwarding", new("Välj signerade huvuden eller token.", "Use 'headers' or 'token'."));
            }
            else if (backend.IdentityForwarding == IdentityForwarding.Token && string.IsNullOrWhiteSpace(backend.Audience))
            {
                errors.Add("integration.backend.audience", new(
                    "Vidarebefordran med token behöver tokenens mottagare (audience).", "Token forwarding needs the audience of the forwarded token."));
            }
        }
    }

    private static void EachItem(string field, IReadOnlyList<string>? urls, Func<string?, string?> rule, Errors errors)
    {
        if (urls is null)
        {
            errors.Add(field, ListRequired);
            return;
        }

        for (var i = 0; i < urls.Count; i++)
        {
            errors.Rule($"{field}[{i}]", rule(urls[i]));
        }
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static readonly PersonText ListRequired = new("Ange en lista (den får vara tom).", "Give a list (it may be empty).");

    private sealed class Errors
    {
        public List<FieldProblem> Problems { get; } = [];

        public void Add(string field, PersonText message) => Problems.Add(new FieldProblem(field, message));

        public void Required(string field, string? value, int maxLength)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, new("Fältet måste fyllas i.", "Required."));
            }
            else if (value.Length > maxLength)
            {
                Add(field, TooLong(maxLength));
            }
        }

        public void Optional(string field, string? value, int maxLength)
        {
            if (value is not null && value.Length > maxLength)
            {
                Add(field, TooLong(maxLength));
            }
        }

        public void Texts(string field, IReadOnlyList<string>? values)
        {
            if (values is null)
            {
                Add(field, ListRequired);
                return;
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]))
                {
                    Add($"{field}[{i}]", new("Raden får inte vara tom.", "Must not be empty."));
                }
                else if (values[i].Length > 500)
                {
                    Add($"{field}[{i}]", TooLong(500));
                }
            }
        }

        /// <summary>A rule of <see cref="IntegrationRules"/>: the one its consumer applies (its sentence in Swedish from <see cref="IntegrationRuleText"/>).</summary>
        public void Rule(string field, string? problem)
        {
            if (problem is not null)
            {
                Add(field, IntegrationRuleText.Of(problem));
            }
        }

        private static PersonText TooLong(int maxLength) => new PersonText("Högst {0} tecken.", "At most {0} characters.").Format(maxLength);
    }
}
