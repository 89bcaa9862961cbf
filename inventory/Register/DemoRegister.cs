using Federation.Core.Feed;
using Federation.Inventory.Auth;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Federation.Core.Attributes.PersonalDataCategory;

namespace Federation.Inventory.Register;

/// <summary>
/// The demo register: the systems of the municipal ICT strategies in <c>shared/seeds</c>, with
/// GDPR records detailed enough that the findings report has something real to say.
/// Loaded once, on the first start with a new database.
/// </summary>
public sealed class DemoRegister(InventoryDbContext db, AuditChain chain, TimeProvider time, ILogger<DemoRegister> logger)
{
    public const string Actor = "system:demo-register";

    /// <summary>The register's own system and its public OIDC client (used by the API reference page).</summary>
    public const string RegisterSystemId = "register";
    public const string RegisterClientId = "federation-register";
    public const string RegisterScope = "federation.register";

    /// <summary>Where the idp may send the code: the API reference page of the register on its default address.</summary>
    public static readonly IReadOnlyList<string> RegisterRedirectUris = ["http://127.0.0.1:5300/scalar/", "http://127.0.0.1:5300/signin-oidc"];

    /// <summary>Where the idp may send people after signing out of the register's pages.</summary>
    public static readonly IReadOnlyList<string> RegisterPostLogoutRedirectUris = ["http://127.0.0.1:5300/signout-callback-oidc"];

    /// <summary>The demo system owner (eppn) of ProCapita and Schoolsoft.</summary>
    public const string DemoSystemOwner = "olle.systemagare@skola.example.se";

    private const string Controller = "Bildningsnämnden";
    private const string ControllerContact = "bildningsnamnden@kommun.example.se, 0410-73 50 00";
    private const string Dpo = "dataskyddsombud@kommun.example.se";
    private const string Owner = "Bildningsförvaltningen, förvaltningschef";
    private const string Developers = "Utvecklingsavdelningen";

    private const string Persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    private const string Email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

    public async Task SeedIfNewAsync(CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, Actor, time, ct);
        if (tx.State.DemoSeeded || await db.Systems.AnyAsync(ct))
        {
            return;
        }

        var version = tx.NextVersion();
        foreach (var system in Systems().Select(s => s.KeepingSecretOf(null)))
        {
            db.Systems.Add(SystemRows.NewRow(system, version, tx.Now));
            tx.Audit("create", "system:" + system.Id, null, SystemStore.AuditJson(system));
        }

        tx.State.DemoSeeded = true;
        await tx.CommitAsync(ct);
        logger.LogInformation("Loaded the demo register ({Count} systems)", Systems().Count);
    }

    public static IReadOnlyList<SystemRecord> Systems() =>
    [
        new("federation", "Federationen (inloggning och systemregister)",
            "Kommunens gemensamma inloggning (idp och gateway) och detta systemregister. Behandlar inloggningshändelser och revisionslogg.",
            "Egen utveckling", "federation", Owner, Developers, LifecyclePhase.AnvandningOchSupport,
            new Integration(OidcClient: new FeedOidcClient("federation-gateway", null,
                ["http://127.0.0.1:5000/signin-oidc"], ["http://127.0.0.1:5000/signout-callback-oidc"],
                ["authorization_code", "refresh_token", "client_credentials"], ["federation.feed"]) { ClientSecret = "gateway-demo-secret" }),
            Record(
                purposes: ["Säker gemensam inloggning (single sign-on) till skolans system", "Spårbarhet: logg över inloggningar och över ändringar i systemregistret"],
                legalBasis: ["e"],
                subjects: ["elever", "vardnadshavare", "personal", "medborgare"],
                // The idp and the register process these; the gateway itself is released only its
                // access decision's inputs (below): each backend's own list reaches it through a
                // per-system token (token exchange), never through the gateway's sign-in.
                categories: [Identifier, Name, Contact, PersonalIdentityNumber, Role, SchoolUnit, Affiliation, Group, Assurance],
                recipients: ["Anslutna system, var och ett enligt sin utlämningslista i registret"],
                retention: "Inloggningshändelser gallras 90 dagar efter inloggningen. Revisionsloggen över registret bevaras enligt dokumenthanteringsplanen.",
                retentionDays: 90,
                security: ["TLS i all trafik", "Signerade token och SAML-intyg", "Hashkedjad revisionslogg", "Rollstyrd behörighet, MFA för registeradministratörer"],
                dpia: true),
            Policy([], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["roles", "school_units", "groups", "acr"])),

        // The register itself: its administrators sign in on the API reference page (/scalar) with
        // authorization code + PKCE as a public client, and write with the resulting token; the
        // register's pages (/register) sign people in with the same client. Who may sign in at all
        // is this policy (the idp refuses everyone else); what each may do is RegisterPermissions.
        new(RegisterSystemId, "Systemregistret",
            "Kommunens register över skolans system och deras behandlingar av personuppgifter (art. 30 GDPR). Utvecklingsavdelningen för registret och loggar in här för att ändra det.",
            "Egen utveckling", "systemregister", Owner, Developers, LifecyclePhase.AnvandningOchSupport,
            new Integration(OidcClient: new FeedOidcClient(RegisterClientId, null,
                RegisterRedirectUris, RegisterPostLogoutRedirectUris, ["authorization_code"], [RegisterScope])),
            Record(
                purposes: ["Förteckning över behandlingar av personuppgifter (art. 30 GDPR)", "Behörighetsstyrning: bara registeradministratörer ändrar registret"],
                legalBasis: ["c", "e"],
                subjects: ["personal"],
                categories: [Identifier, Name, Role, Group],
                recipients: [],
                retention: "Revisionsloggen över registret bevaras enligt dokumenthanteringsplanen.",
                security: ["Rollstyrd behörighet (register-admin)", "Hashkedjad revisionslogg", "Optimistisk samtidighetskontroll (If-Match)"],
                dpia: false),
            Policy([InventoryAuth.RegisterAdmin, RegisterPermissions.DataProtectionOfficer, RegisterPermissions.SystemOwner],
                Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "eppn", "roles", "groups"])),

        new("procapita", "ProCapita Education",
            "Verksamhetssystem för förskola, skola och fritidshem: elev- och personalregister, placeringar, avgifter. Används av skolsekreterare och centrala resurser.",
            "CGI Sverige AB", "verksamhetssystem", Owner, "Bildningsförvaltningen, systemförvaltning ProCapita", LifecyclePhase.AnvandningOchSupport,
            new Integration(Backend: new FeedBackend("/procapita", ["http://127.0.0.1:5400"], "/health", IdentityForwarding.Headers)),
            Record(
                purposes: ["Elev- och barnregister, placering och upptagningsområden", "Avgiftshantering och inkomstförfrågan", "Underlag för strukturen i skolplattformen"],
                legalBasis: ["c", "e"],
                subjects: ["elever", "vardnadshavare", "personal"],
                categories: [Identifier, Name, Contact, PersonalIdentityNumber, Role, SchoolUnit, "adress", "placering", "inkomstuppgifter"],
                recipients: ["Skolplattformen Schoolsoft (elevregister)", "Skatteverket (folkbokföringsavisering)"],
                retention: "Elevakt bevaras enligt arkivlagen; placerings- och avgiftsuppgifter gallras 2 år efter avslutad placering.",
                security: ["Endast personal via gatewayn", "Loggning av åtkomst", "Skyddade personuppgifter markeras och döljs"],
                processor: new ProcessorAgreement("CGI Sverige AB", true, new DateOnly(2027, 12, 31)),
                dpia: true),
            Policy(["skolsekreterare", "rektor"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "personnummer", "roles", "school_units", "eppn"]))
        { OwnerAccounts = [DemoSystemOwner] },

        new("schoolsoft", "Schoolsoft",
            "Skolplattform: schema, frånvaro, omdömen, betyg och kommunikation med vårdnadshavare.",
            "SchoolSoft AB", "skolplattform", Owner, "Bildningsförvaltningen, systemförvaltning skolplattform", LifecyclePhase.AnvandningOchSupport,
            new Integration(SamlSp: new FeedSamlSp("https://sms.schoolsoft.se/kommun-example/saml/metadata",
                "https://sms.schoolsoft.se/kommun-example/saml/acs", null, null, Persistent)),
            Record(
                purposes: ["Planering och dokumentation av undervisning", "Frånvarorapportering och kontakt med vårdnadshavare", "Betygssättning"],
                legalBasis: ["c", "e"],
                subjects: ["elever", "vardnadshavare", "personal"],
                categories: [Identifier, Name, Contact, Role, SchoolUnit, Affiliation, "betyg", "franvaro"],
                special: ["halsa"],
                recipients: ["Vårdnadshavare (egna barns uppgifter)", "Centrala studiestödsnämnden (frånvaro)"],
                retention: "Betyg bevaras; frånvaro och omdömen gallras 3 år efter avslutad skolgång.",
                security: ["Rollstyrd behörighet per skolenhet", "Kryptering i vila hos leverantören"],
                processor: new ProcessorAgreement("SchoolSoft AB", true, new DateOnly(2027, 6, 30)),
                dpia: false),
            Policy(["larare", "rektor", "skolsekreterare", "elev", "vardnadshavare"], Federation.Core.Access.AssuranceLevel.Loa2.Name,
                ["eppn", "given_name", "family_name", "email", "school_units", "affiliation"]))
        { OwnerAccounts = [DemoSystemOwner] },

        new("google-workspace", "Google Workspace for Education",
            "Molntjänst för dokument, e-post och Classroom för elever och lärare på en del av skolorna.",
            "Google LLC", "molntjänst", Owner, Developers, LifecyclePhase.AnvandningOchSupport,
            new Integration(SamlSp: new FeedSamlSp("google.com/a/skola.example.se",
                "https://www.google.com/a/skola.example.se/acs", null, null, Email)),
            Record(
                purposes: ["Digitala lärverktyg: dokument, e-post och Classroom i undervisningen"],
                legalBasis: ["e"],
                subjects: ["elever", "personal"],
                categories: [Identifier, Name, Contact, "elevarbeten"],
                recipients: ["Google LLC"],
                transfers: [new ThirdCountryTransfer("USA", "Google LLC", "EU–US Data Privacy Framework och EU:s standardavtalsklausuler (2021/914)")],
                retention: "Konton och innehåll raderas 6 månader efter avslutad skolgång eller anställning.",
                security: ["Ingen personnummer till leverantören", "Tvåstegsverifiering för personal"],
                processor: new ProcessorAgreement("Google Ireland Ltd", true, new DateOnly(2025, 6, 30)),
                dpia: true),
            Policy(["larare", "elev", "rektor"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["email", "given_name", "family_name"])),

        new("microsoft-365", "Microsoft 365",
            "E-post, Teams och Office för personalen.",
            "Microsoft Ireland Operations Ltd", "molntjänst", Owner, Developers, LifecyclePhase.AnvandningOchSupport,
            new Integration(SamlSp: new FeedSamlSp("urn:federation:MicrosoftOnline",
                "https://login.microsoftonline.com/login.srf", null, null, Persistent)),
            Record(
                purposes: ["E-post, samarbete och kommunikation för personal"],
                legalBasis: ["e"],
                subjects: ["personal"],
                categories: [Identifier, Name, Contact, "kommunikation"],
                recipients: ["Microsoft Ireland Operations Ltd"],
                transfers: [new ThirdCountryTransfer("USA", "Microsoft Corporation (support och felsökning)", null)],
                retention: "Konton raderas 90 dagar efter avslutad anställning.",
                security: ["MFA för all personal", "Villkorad åtkomst"],
                processor: new ProcessorAgreement("Microsoft Ireland Operations Ltd", true, null),
                dpia: true),
            Policy(["larare", "rektor", "skolsekreterare", "register-admin"], Federation.Core.Access.AssuranceLevel.Loa2.Name,
                ["eppn", "email", "given_name", "family_name", "display_name"])),

        new("intranat", "Intranätet",
            "Kommunens nya intranät för alla medarbetare.",
            "Sitevision AB", "intranät", "Kommunledningsförvaltningen, kommunikationschef", "Kommunikationsavdelningen", LifecyclePhase.AnvandningOchSupport,
            new Integration(Backend: new FeedBackend("/intranat", ["http://127.0.0.1:5401"], "/health", IdentityForwarding.Headers)),
            Record(
                purposes: [],
                legalBasis: ["e"],
                subjects: ["personal"],
                categories: [Identifier, Name, Contact, Role],
                recipients: [],
                retention: "Ej fastställd.",
                security: ["Endast personal via gatewayn"],
                processor: new ProcessorAgreement("Sitevision AB", true, new DateOnly(2028, 1, 31)),
                dpia: false),
            Policy(["larare", "rektor", "skolsekreterare", "register-admin"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "email", "roles"])),

        EService("e-skolskjuts", "E-tjänst: Ansök om skolskjuts",
            "Vårdnadshavare ansöker om skolskjuts för sitt barn.",
            ["Handläggning av ansökan om skolskjuts"], ["adress", "skolplacering"], ["halsa"], dpia: true),
        EService("e-modersmal", "E-tjänst: Ansök om modersmålsundervisning",
            "Vårdnadshavare ansöker om modersmålsundervisning för sitt barn.",
            ["Handläggning av ansökan om modersmålsundervisning"], ["sprak", "skolplacering"], ["etniskt-ursprung"], dpia: false),
        EService("e-barnomsorg", "E-tjänst: Ansök om barnomsorg",
            "Ansökan om plats i förskola och fritidshem, uppdatering av inkomst och uppsägning av plats.",
            ["Handläggning av plats i förskola och fritidshem", "Avgiftsberäkning"], ["adress", "inkomstuppgifter"], [], dpia: true),
        EService("e-gymnasieansokan", "E-tjänst: Ansök till gymnasiet",
            "Sökande och vårdnadshavare ansöker till gymnasieskolan.",
            ["Handläggning av ansökan till gymnasieskolan"], ["betyg", "adress"], [], dpia: true),

        new("forskoleportalen", "Förskoleportalen",
            "Portal för kommunikation mellan förskolan och vårdnadshavare: dokumentation, närvaro och meddelanden.",
            "Tietoevry Sweden AB", "e-tjänst", Owner, "Bildningsförvaltningen, förskoleenheten", LifecyclePhase.AnvandningOchSupport,
            new Integration(Backend: new FeedBackend("/forskoleportalen", ["http://127.0.0.1:5402"], "/health", IdentityForwarding.Headers)),
            Record(
                purposes: ["Kommunikation med vårdnadshavare om barnets vistelse i förskolan", "Närvaroregistrering"],
                legalBasis: ["e"],
                subjects: ["elever", "vardnadshavare", "personal"],
                categories: [Identifier, Name, Contact, Role, SchoolUnit, "narvaro", "dokumentation"],
                recipients: ["Vårdnadshavare (egna barns uppgifter)"],
                retention: "Dokumentation gallras när barnet slutat i förskolan; närvaro gallras efter 2 år.",
                retentionDays: 730,
                security: ["Vårdnadshavare ser endast egna barn", "Åtkomstlogg"],
                processor: new ProcessorAgreement("Tietoevry Sweden AB", true, new DateOnly(2027, 3, 31)),
                dpia: true),
            Policy(["vardnadshavare", "larare", "rektor"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "email", "roles", "school_units"])),

        new("ils", "ILS – integrerat ledningssystem",
            "Nämndens system för styrning och uppföljning av handlingsplaner. Ersätts av nytt ledningssystem.",
            "Egen utveckling (stadens gemensamma)", "verksamhetssystem", Owner, Developers, LifecyclePhase.Avveckling,
            new Integration(OidcClient: new FeedOidcClient("ils", null,
                ["https://ils.kommun.example.se/signin-oidc"], ["https://ils.kommun.example.se/signout-callback-oidc"],
                ["authorization_code"], []) { ClientSecret = "ils-demo-secret" }),
            Record(
                purposes: ["Uppföljning av handlingsplaner och systematiskt kvalitetsarbete"],
                legalBasis: ["e"],
                subjects: ["personal"],
                categories: [Identifier, Name, Role],
                recipients: [],
                retention: "Handlingsplaner bevaras; användarkonton gallras vid avvecklingen.",
                security: ["Rollstyrd behörighet"],
                dpia: false),
            Policy(["rektor"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "roles"])),

        new("lika", "LIKA – it-tempen i skolan",
            "SKR:s självskattningsverktyg för digital utveckling, som rektor fyller i en gång per läsår.",
            "Sveriges Kommuner och Regioner (SKR)", "utvärderingsverktyg", Owner, Developers, LifecyclePhase.AnvandningOchSupport,
            new Integration(OidcClient: new FeedOidcClient("lika", null,
                ["https://lika.skr.example.se/signin-oidc"], [],
                ["authorization_code"], []) { ClientSecret = "lika-demo-secret" }),
            Record(
                purposes: ["Självskattning av skolans digitala utveckling (systematiskt kvalitetsarbete)"],
                legalBasis: ["e"],
                subjects: ["personal"],
                categories: [Identifier, Name, Contact, SchoolUnit],
                recipients: ["Sveriges Kommuner och Regioner"],
                retention: "Resultat bevaras; användaruppgifter gallras efter 2 år.",
                security: ["Endast rektorer"],
                processor: new ProcessorAgreement("Sveriges Kommuner och Regioner", false, null),
                dpia: false),
            Policy(["rektor"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["name", "email", "school_units"])),

        new("larplattor", "Ramverk för lärplattor (enhetshantering)",
            "Verktyg och rutiner för lärplattornas livscykel: anskaffning, driftsättning, administration, användning och support, avveckling.",
            "Jamf Software", "enhetshantering", Owner, "IT-helpdesk", LifecyclePhase.Driftsattning,
            new Integration(SamlSp: new FeedSamlSp("https://kommun-example.jamfcloud.com/saml/metadata",
                "https://kommun-example.jamfcloud.com/saml/acs", null, null, Persistent)),
            Record(
                purposes: ["Hantering av lärplattor: inventarie, appar och support"],
                legalBasis: ["e"],
                subjects: ["elever", "personal"],
                categories: [Identifier, Name, SchoolUnit, "enhetsinformation"],
                recipients: ["Jamf Software LLC"],
                transfers: [new ThirdCountryTransfer("USA", "Jamf Software LLC", "EU:s standardavtalsklausuler (2021/914)")],
                retention: "Enhetskopplingar raderas när lärplattan avvecklas.",
                security: ["Fjärrlåsning och radering av förlorade enheter"],
                processor: new ProcessorAgreement("Jamf AB", true, new DateOnly(2028, 8, 31)),
                dpia: true),
            Policy(["larare", "elev"], Federation.Core.Access.AssuranceLevel.Loa2.Name, ["eppn", "given_name", "family_name", "school_units"])),

        new("fronter", "Fronter",
            "Tidigare lärplattform, ersatt av skolplattformen och molntjänsterna.",
            "itslearning AS", "lärplattform", Owner, Developers, LifecyclePhase.Avvecklad,
            null,
            Record(
                purposes: ["Lärplattform (avslutad)"],
                legalBasis: ["e"],
                subjects: ["elever", "personal"],
                categories: [Identifier, Name],
                recipients: [],
                retention: "Allt innehåll raderat vid avvecklingen.",
                security: [],
                dpia: false),
            Policy([], Federation.Core.Access.AssuranceLevel.Loa2.Name, [])),
    ];

    private static SystemRecord EService(string id, string name, string description, IReadOnlyList<string> purposes,
        IReadOnlyList<string> extraCategories, IReadOnlyList<string> special, bool dpia) =>
        new(id, name, description, "Nordic Peak AB (Open ePlatform)", "e-tjänst", Owner, "Avdelningen för styrning och kvalitet",
            LifecyclePhase.AnvandningOchSupport,
            new Integration(OidcClient: new FeedOidcClient(id, null,
                [$"https://e-tjanster.kommun.example.se/{id}/signin-oidc"], [$"https://e-tjanster.kommun.example.se/{id}/signout-callback-oidc"],
                ["authorization_code", "refresh_token"], [])
            { ClientSecret = id + "-demo-secret" }),
            Record(
                purposes: purposes,
                legalBasis: ["e"],
                subjects: ["vardnadshavare", "elever", "medborgare"],
                categories: [Identifier, Name, Contact, PersonalIdentityNumber, Assurance, .. extraCategories],
                special: special,
                recipients: ["Handläggare på bildningsförvaltningen"],
                retention: "Ansökan gallras 2 år efter beslut, beslutet bevaras.",
                security: ["Inloggning med e-legitimation (LoA3)", "Kryptering i transit och vila"],
                processor: new ProcessorAgreement("Nordic Peak AB", true, new DateOnly(2027, 12, 31)),
                dpia: dpia),
            Policy([], Federation.Core.Access.AssuranceLevel.Loa3.Name, ["personnummer", "given_name", "family_name", "email", "acr"]));

    private static ProcessingRecord Record(
        IReadOnlyList<string> purposes,
        IReadOnlyList<string> legalBasis,
        IReadOnlyList<string> subjects,
        IReadOnlyList<string> categories,
        IReadOnlyList<string> recipients,
        string retention,
        IReadOnlyList<string> security,
        bool dpia,
        IReadOnlyList<string>? special = null,
        IReadOnlyList<ThirdCountryTransfer>? transfers = null,
        int? retentionDays = null,
        ProcessorAgreement? processor = null) =>
        new(Controller, ControllerContact, Dpo, purposes, legalBasis, subjects, categories, special ?? [], recipients,
            transfers ?? [], retention, retentionDays, security, processor, dpia);

    private static AccessPolicy Policy(IReadOnlyList<string> roles, string assurance, IReadOnlyList<string> release) =>
        new(roles, [], [], assurance, release);
}
