using System.Text.RegularExpressions;
using Federation.Core.Feed;
using Federation.Core.Text;

namespace Federation.Inventory.Domain;

/// <summary>
/// What people read about the register's fields and codes: one label per field path, phase, legal
/// basis and code, Swedish first. Pages, exports, validation messages and change lists all take
/// their words from here, so no enum name (<c>AnvandningOchSupport</c>) or JSON path reaches a person.
/// </summary>
public static partial class RegisterText
{
    private static readonly Dictionary<string, PersonText> Fields = new(StringComparer.Ordinal)
    {
        ["id"] = new("Id (kortnamn)", "Id (short name)"),
        ["name"] = new("Namn", "Name"),
        ["description"] = new("Beskrivning", "Description"),
        ["vendor"] = new("Leverantör", "Vendor"),
        ["category"] = new("Kategori", "Category"),
        ["owner"] = new("Systemägare", "System owner"),
        ["ownerAccounts"] = new("Systemägarens konton", "System owner accounts"),
        ["administrator"] = new("Systemförvaltare", "System administrator"),
        ["lifecycle"] = new("Livscykelfas", "Lifecycle phase"),
        ["processing"] = new("Behandling av personuppgifter", "Processing of personal data"),
        ["processing.controller"] = new("Personuppgiftsansvarig", "Controller"),
        ["processing.controllerContact"] = new("Kontaktuppgifter till personuppgiftsansvarig", "Controller's contact details"),
        ["processing.dataProtectionOfficer"] = new("Dataskyddsombud", "Data protection officer"),
        ["processing.purposes"] = new("Ändamål", "Purposes"),
        ["processing.legalBasis"] = new("Rättslig grund", "Legal basis"),
        ["processing.dataSubjectCategories"] = new("Kategorier av registrerade", "Categories of data subjects"),
        ["processing.personalDataCategories"] = new("Kategorier av personuppgifter", "Categories of personal data"),
        ["processing.specialCategories"] = new("Känsliga personuppgifter (art. 9)", "Special categories (Art. 9)"),
        ["processing.recipients"] = new("Mottagare", "Recipients"),
        ["processing.thirdCountryTransfers"] = new("Överföring till tredje land", "Transfers to third countries"),
        ["processing.thirdCountryTransfers.country"] = new("Land", "Country"),
        ["processing.thirdCountryTransfers.recipient"] = new("Mottagare i tredje land", "Recipient in the third country"),
        ["processing.thirdCountryTransfers.safeguard"] = new("Skyddsåtgärd (art. 45/46)", "Safeguard (Art. 45/46)"),
        ["processing.retention"] = new("Gallring", "Retention"),
        ["processing.retentionDays"] = new("Gallringsfrist i dagar", "Retention period in days"),
        ["processing.securityMeasures"] = new("Tekniska och organisatoriska säkerhetsåtgärder", "Technical and organisational security measures"),
        ["processing.processor"] = new("Personuppgiftsbiträde", "Processor"),
        ["processing.processor.name"] = new("Personuppgiftsbiträdets namn", "Processor's name"),
        ["processing.processor.agreementSigned"] = new("Biträdesavtal finns", "Processor agreement signed"),
        ["processing.processor.agreementExpires"] = new("Biträdesavtalet gäller till", "Processor agreement valid until"),
        ["processing.dpiaDone"] = new("Konsekvensbedömning (art. 35) gjord", "Impact assessment (Art. 35) done"),
        ["access"] = new("Åtkomstregler", "Access policy"),
        ["access.roles"] = new("Roller som får använda systemet", "Roles that may use the system"),
        ["access.groups"] = new("Grupper som får använda systemet", "Groups that may use the system"),
        ["access.schoolUnits"] = new("Skolenheter som får använda systemet", "School units that may use the system"),
        ["access.assuranceLevel"] = new("Tillitsnivå", "Assurance level"),
        ["access.release"] = new("Attribut som lämnas ut", "Attributes released"),
        ["integration"] = new("Anslutning till federationen", "Connection to the federation"),
        ["integration.samlSp"] = new("SAML-tjänsteleverantör", "SAML service provider"),
        ["integration.samlSp.entityId"] = new("Entitets-id", "Entity ID"),
        ["integration.samlSp.acsUrl"] = new("Mottagaradress (ACS)", "Assertion consumer service URL"),
        ["integration.samlSp.certificate"] = new("Certifikat", "Certificate"),
        ["integration.samlSp.metadataUrl"] = new("Metadataadress", "Metadata URL"),
        ["integration.samlSp.nameIdFormat"] = new("NameID-format", "NameID format"),
        ["integration.samlSp.wantAssertionsSigned"] = new("Kräver signerade intyg", "Wants signed assertions"),
        ["integration.oidcClient"] = new("OpenID Connect-klient", "OpenID Connect client"),
        ["integration.oidcClient.clientId"] = new("Klient-id", "Client ID"),
        ["integration.oidcClient.clientSecret"] = new("Klienthemlighet", "Client secret"),
        ["integration.oidcClient.redirectUris"] = new("Återvändsadresser", "Redirect URIs"),
        ["integration.oidcClient.postLogoutRedirectUris"] = new("Adresser efter utloggning", "Post-logout redirect URIs"),
        ["integration.oidcClient.grantTypes"] = new("Flöden (grant types)", "Grant types"),
        ["integration.oidcClient.scopes"] = new("Behörigheter (scopes)", "Scopes"),
        ["integration.backend"] = new("Bakomliggande tjänst via gatewayn", "Backend behind the gateway"),
        ["integration.backend.publicPath"] = new("Sökväg i gatewayn", "Path at the gateway"),
        ["integration.backend.publicHost"] = new("Eget värdnamn i gatewayn", "Own host name at the gateway"),
        ["integration.backend.upstreams"] = new("Serveradresser", "Server addresses"),
        ["integration.backend.healthPath"] = new("Hälsokontrollens sökväg", "Health check path"),
        ["integration.backend.identityForwarding"] = new("Hur identiteten skickas vidare", "How the identity is forwarded"),
        ["integration.backend.audience"] = new("Tokenmottagare (audience)", "Token audience"),
    };

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();

    /// <summary>The label of a field path as the validator and the API name it (<c>access.release[2]</c> → "Attribut som lämnas ut").</summary>
    public static PersonText Field(string path)
    {
        var key = Index().Replace(path, "");
        while (true)
        {
            if (Fields.TryGetValue(key, out var label))
            {
                return label;
            }
            var dot = key.LastIndexOf('.');
            if (dot < 0)
            {
                return new PersonText(path, path);
            }
            key = key[..dot];
        }
    }

    /// <summary>Every field path with a label (for forms and tests).</summary>
    public static IEnumerable<string> FieldPaths => Fields.Keys;

    public static PersonText Lifecycle(LifecyclePhase phase) => phase switch
    {
        LifecyclePhase.Anskaffning => new("Anskaffning", "Acquisition"),
        LifecyclePhase.Driftsattning => new("Driftsättning", "Deployment"),
        LifecyclePhase.Administration => new("Förvaltning", "Administration"),
        LifecyclePhase.AnvandningOchSupport => new("Användning och support", "Use and support"),
        LifecyclePhase.Avveckling => new("Avveckling", "Being retired"),
        LifecyclePhase.Avvecklad => new("Avvecklad", "Retired"),
        _ => new(phase.ToString(), phase.ToString()),
    };

    /// <summary>What a phase means for the federation: what the idp and the gateway do with the system.</summary>
    public static PersonText LifecycleMeaning(LifecyclePhase phase) => phase switch
    {
        LifecyclePhase.Anskaffning => new(
            "Systemet upphandlas eller utreds. Federationen känner till det, men ingen loggar in i det än.",
            "The system is being procured or assessed. The federation knows it, but nobody signs in to it yet."),
        LifecyclePhase.Driftsattning => new(
            "Systemet införs. Inloggning och gateway fungerar enligt åtkomstreglerna, för test och de första användarna.",
            "The system is being deployed. Sign-in and the gateway work by its access policy, for testing and the first users."),
        LifecyclePhase.Administration or LifecyclePhase.AnvandningOchSupport => new(
            "Systemet används. Inloggning, utlämnade attribut och gatewayn följer åtkomstreglerna.",
            "The system is in use. Sign-in, released attributes and the gateway follow its access policy."),
        LifecyclePhase.Avveckling => new(
            "Systemet avvecklas. Det fungerar fortfarande, men portalen och gatewayn visar att det ska sluta användas.",
            "The system is being retired. It still works, but the portal and the gateway show that it is going away."),
        LifecyclePhase.Avvecklad => new(
            "Systemet är avvecklat. Det försvinner ur federationens flöde: idp:n loggar inte längre in i det och gatewayn svarar 410 (borta).",
            "The system is retired. It leaves the federation feed: the idp no longer signs in to it and the gateway answers 410 (gone)."),
        _ => new("", ""),
    };

    /// <summary>GDPR Art. 6(1), by its letter.</summary>
    public static PersonText LegalBasis(string letter) => letter switch
    {
        "a" => new("Samtycke (art. 6.1 a)", "Consent (Art. 6(1)(a))"),
        "b" => new("Avtal (art. 6.1 b)", "Contract (Art. 6(1)(b))"),
        "c" => new("Rättslig förpliktelse (art. 6.1 c)", "Legal obligation (Art. 6(1)(c))"),
        "d" => new("Grundläggande intresse (art. 6.1 d)", "Vital interests (Art. 6(1)(d))"),
        "e" => new("Allmänt intresse eller myndighetsutövning (art. 6.1 e)", "Public task (Art. 6(1)(e))"),
        "f" => new("Berättigat intresse (art. 6.1 f)", "Legitimate interests (Art. 6(1)(f))"),
        _ => new(letter, letter),
    };

    public static PersonText PersonalDataCategory(string code) =>
        Federation.Core.Attributes.PersonalDataCategory.SwedishLabels.TryGetValue(code, out var sv) ? new(sv, sv) : new(code, code);

    public static PersonText SpecialCategoryLabel(string code) =>
        SpecialCategory.SwedishLabels.TryGetValue(code, out var sv) ? new(sv, sv) : new(code, code);

    public static PersonText AssuranceLevel(string name) =>
        Federation.Core.Access.AssuranceLevel.Parse(name)?.Rank switch
        {
            1 => new("Tillitsnivå 1 (okontrollerad identitet)", "Level 1 (unverified identity)"),
            2 => new("Tillitsnivå 2 (lösenord)", "Level 2 (password)"),
            3 => new("Tillitsnivå 3 (tvåfaktor eller e-legitimation)", "Level 3 (two-factor or e-ID)"),
            4 => new("Tillitsnivå 4 (e-legitimation med hög tillit)", "Level 4 (high-assurance e-ID)"),
            _ => new(name, name),
        };

    public static PersonText IdentityForwardingLabel(IdentityForwarding forwarding) => forwarding switch
    {
        IdentityForwarding.Headers => new("Signerade identitetshuvuden", "Signed identity headers"),
        IdentityForwarding.Token => new("Åtkomsttoken (bearer)", "Access token (bearer)"),
        _ => new(forwarding.ToString(), forwarding.ToString()),
    };

    /// <summary>The words for yes and no in the register's pages and exports.</summary>
    public static PersonText YesNo(bool value) => value ? new("Ja", "Yes") : new("Nej", "No");
}
