using Federation.Core.Text;

namespace Federation.Inventory.Pages.Register;

/// <summary>The words of the register's read pages (list, system, compliance, Art. 30), Swedish first.</summary>
public static class ReadPagesText
{
    // Systems list
    public static readonly PersonText SystemsTitle = new("System i registret", "Systems in the register");
    public static readonly PersonText Search = new("Sök", "Search");
    public static readonly PersonText SearchHint = new("Namn, id, leverantör eller beskrivning", "Name, id, vendor or description");
    public static readonly PersonText Phase = new("Livscykelfas", "Lifecycle phase");
    public static readonly PersonText Category = new("Kategori", "Category");
    public static readonly PersonText DataSubjects = new("Kategori av registrerade", "Data subject category");
    public static readonly PersonText Transfer = new("Överföring till tredjeland", "Transfer to a third country");
    public static readonly PersonText Findings = new("Fynd", "Findings");
    public static readonly PersonText AnyValue = new("Alla", "All");
    public static readonly PersonText Yes = new("Ja", "Yes");
    public static readonly PersonText No = new("Nej", "No");
    public static readonly PersonText AnyFinding = new("Med fynd", "With findings");
    public static readonly PersonText NoFinding = new("Utan fynd", "Without findings");
    public static readonly PersonText Show = new("Visa", "Show");
    public static readonly PersonText ClearFilters = new("Rensa filter", "Clear filters");
    public static readonly PersonText SortBy = new("Sortera efter {0}", "Sort by {0}");
    public static readonly PersonText Ascending = new("stigande", "ascending");
    public static readonly PersonText Descending = new("fallande", "descending");
    public static readonly PersonText Name = new("Namn", "Name");
    public static readonly PersonText OneSystem = new("1 system", "1 system");
    public static readonly PersonText ManySystems = new("{0} system", "{0} systems");
    public static readonly PersonText NoneMatch = new(
        "Inga system matchar sökningen och filtren. Ändra dem eller rensa filtren för att se alla system.",
        "No systems match the search and filters. Change them, or clear the filters to see every system.");
    public static readonly PersonText Ignored = new(
        "Några värden i adressen känns inte igen och används inte: {0}.",
        "Some values in the address are not recognised and are not used: {0}.");

    // System page
    public static readonly PersonText NoSuchSystem = new("Systemet finns inte", "No such system");
    public static readonly PersonText NoSuchSystemText = new("Registret har inget system med id {0}.", "The register has no system with id {0}.");
    public static readonly PersonText BackToList = new("Tillbaka till systemlistan", "Back to the list of systems");
    public static readonly PersonText Edit = new("Ändra", "Edit");
    public static readonly PersonText Overview = new("Översikt", "Overview");
    public static readonly PersonText RecordOfProcessing = new("Registerförteckning (artikel 30.1)", "Record of processing (Article 30(1))");
    public static readonly PersonText AccessPolicy = new("Behörighet", "Access policy");
    public static readonly PersonText Release = new("Utlämnade attribut", "Released attributes");
    public static readonly PersonText Integration = new("Anslutning till federationen", "Connection to the federation");
    public static readonly PersonText History = new("Ändringshistorik", "Change history");
    public static readonly PersonText Anyone = new("Alla inloggade", "Anyone signed in");
    public static readonly PersonText None = new("Inga", "None");
    public static readonly PersonText NotGiven = new("Ej angivet", "Not given");
    public static readonly PersonText NoIntegration = new(
        "Federationen loggar inte in användare i systemet och leder ingen trafik dit.",
        "The federation signs nobody in to this system and routes no traffic to it.");
    public static readonly PersonText NoRelease = new("Systemet får inga attribut.", "The system receives no attributes.");
    public static readonly PersonText NoFindings = new("Inga fynd.", "No findings.");
    public static readonly PersonText NoHistory = new("Ingen ändring är loggad.", "No change is logged.");
    public static readonly PersonText Attribute = new("Attribut", "Attribute");
    public static readonly PersonText PersonalDataCategory = new("Kategori av personuppgifter", "Personal data category");
    public static readonly PersonText SamlName = new("SAML-namn", "SAML name");
    public static readonly PersonText OidcOnly = new("endast OIDC", "OIDC only");
    public static readonly PersonText Roles = new("Roller", "Roles");
    public static readonly PersonText Groups = new("Grupper", "Groups");
    public static readonly PersonText SchoolUnits = new("Skolenheter", "School units");
    public static readonly PersonText Assurance = new("Tillitsnivå", "Assurance level");
    public static readonly PersonText SamlSp = new("SAML-tjänsteleverantör", "SAML service provider");
    public static readonly PersonText OidcClient = new("OIDC-klient", "OIDC client");
    public static readonly PersonText Backend = new("Bakomliggande tjänst i gatewayn", "Gateway backend");
    public static readonly PersonText SecretSet = new("Finns (visas aldrig)", "Set (never shown)");
    public static readonly PersonText NoSecret = new("Ingen (publik klient)", "None (public client)");
    public static readonly PersonText When = new("När", "When");
    public static readonly PersonText Who = new("Vem", "Who");
    public static readonly PersonText What = new("Vad", "What");
    public static readonly PersonText Field = new("Uppgift", "Field");
    public static readonly PersonText BeforeChange = new("Före", "Before");
    public static readonly PersonText AfterChange = new("Efter", "After");
    public static readonly PersonText Created = new("Systemet registrerades.", "The system was registered.");
    public static readonly PersonText Deleted = new("Systemet togs bort.", "The system was removed.");
    public static readonly PersonText ShowRegisteredValues = new("Visa de registrerade uppgifterna", "Show the registered values");
    public static readonly PersonText NoSafeguard = new("skyddsåtgärd saknas", "no safeguard");
    public static readonly PersonText UntilFurtherNotice = new("Tills vidare", "Until further notice");
    public static readonly PersonText NoProcessor = new("Inget personuppgiftsbiträde", "No processor");
    public static readonly PersonText UnknownAttribute = new("Okänt attribut", "Unknown attribute");
    public static readonly PersonText NoFieldChanged = new("Inga uppgifter ändrades.", "No field changed.");

    // Compliance
    public static readonly PersonText ComplianceTitle = new("Efterlevnad", "Compliance");
    public static readonly PersonText ComplianceIntro = new(
        "Fynd enligt registrets regler den {0}. Varje fynd säger vad som behöver göras.",
        "Findings by the register's rules on {0}. Each finding says what needs to be done.");
    public static readonly PersonText FindingsByRule = new("Fynd per regel", "Findings by rule");
    public static readonly PersonText FindingsByRuleDesc = new("Antal öppna fynd för varje regel i registret.", "Number of open findings for each rule of the register.");
    public static readonly PersonText FindingsBySystem = new("Fynd per system", "Findings by system");
    public static readonly PersonText FindingsBySystemDesc = new("Antal öppna fynd för varje system som har fynd.", "Number of open findings for each system that has any.");
    public static readonly PersonText SystemsByPhase = new("System per livscykelfas", "Systems by lifecycle phase");
    public static readonly PersonText SystemsByPhaseDesc = new("Antal system i varje fas, avvecklade inräknade.", "Number of systems in each phase, retired ones included.");
    public static readonly PersonText Rule = new("Regel", "Rule");
    public static readonly PersonText Count = new("Antal", "Number");
    public static readonly PersonText System = new("System", "System");
    public static readonly PersonText WhatToDo = new("Att göra", "What to do");
    public static readonly PersonText ExpiringAgreements = new("Biträdesavtal som löper ut inom {0} dagar", "Processor agreements that end within {0} days");
    public static readonly PersonText NoExpiringAgreements = new("Inget biträdesavtal löper ut inom {0} dagar.", "No processor agreement ends within {0} days.");
    public static readonly PersonText Processor = new("Personuppgiftsbiträde", "Processor");
    public static readonly PersonText Expires = new("Gäller till och med", "Valid until");
    public static readonly PersonText DaysLeft = new("Dagar kvar", "Days left");
    public static readonly PersonText SpecialWithoutDpia = new("Känsliga personuppgifter utan konsekvensbedömning", "Special categories without an impact assessment");
    public static readonly PersonText NoSpecialWithoutDpia = new(
        "Alla system som behandlar känsliga personuppgifter har en konsekvensbedömning.",
        "Every system that processes special categories has an impact assessment.");
    public static readonly PersonText ShowSystems = new("Visa systemen", "Show the systems");

    // Art. 30
    public static readonly PersonText Article30Title = new("Registerförteckning enligt artikel 30", "Record of processing activities (Article 30)");
    public static readonly PersonText Article30Intro = new(
        "Kommunens behandlingar av personuppgifter i de system som federationen känner till, {0} behandlingar den {1}. Avvecklade system ingår inte.",
        "The municipality's processing of personal data in the systems the federation knows, {0} processing activities on {1}. Retired systems are not included.");
    public static readonly PersonText PrintHint = new(
        "Skriv ut med webbläsarens utskrift: navigering och knappar skrivs inte ut, varje behandling hålls samman på sidan.",
        "Print with the browser's print command: navigation and buttons are left out, each processing activity is kept together on a page.");
    public static readonly PersonText DownloadCsv = new("Ladda ner som CSV", "Download as CSV");
    public static readonly PersonText DownloadCsvExcel = new("Ladda ner som CSV för Excel (semikolon)", "Download as CSV for Excel (semicolon)");
}
