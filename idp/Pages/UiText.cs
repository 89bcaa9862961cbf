using Federation.Core.Text;

namespace Federation.Idp.Pages;

/// <summary>The sign-in UI's words as <see cref="PersonText"/>: Swedish first, English when the person chose it or the browser asks for it.</summary>
public static class UiText
{
    private static readonly Dictionary<string, PersonText> Texts = new(StringComparer.Ordinal)
    {
        ["home.title"] = new("Skolfederationens inloggning", "The school federation's sign-in"),
        ["login.title"] = new("Logga in", "Sign in"),
        ["login.intro"] = new("Logga in med ditt användarkonto i kommunens skolor.", "Sign in with your account in the municipality's schools."),
        ["login.username"] = new("Användarnamn", "User name"),
        ["login.password"] = new("Lösenord", "Password"),
        ["login.submit"] = new("Logga in", "Sign in"),
        ["login.missing"] = new("Fyll i både användarnamn och lösenord.", "Enter both user name and password."),
        // One message for every failed password sign-in (unknown name, wrong password, locked,
        // not allowed): what it says must not tell which accounts exist.
        ["login.failed"] = new("Inloggningen misslyckades. Kontrollera användarnamn och lösenord. Efter flera misslyckade försök låses kontot en stund.", "Sign-in failed. Check the user name and password. After several failed attempts the account is locked for a while."),
        ["login.locked"] = new("Kontot är tillfälligt låst efter för många misslyckade försök. Försök igen om en stund.", "The account is locked for a while after too many failed attempts. Try again later."),
        ["login.tooMany.title"] = new("För många inloggningsförsök", "Too many sign-in attempts"),
        ["login.tooMany"] = new("Det har gjorts för många inloggningsförsök. Vänta {0} minut(er) och försök igen.", "There have been too many sign-in attempts. Wait {0} minute(s) and try again."),
        ["login.upstreams"] = new("Eller logga in via din organisation", "Or sign in through your organisation"),
        ["login.notAllowed"] = new("Kontot får inte logga in.", "The account may not sign in."),
        ["mfa.title"] = new("Bekräfta med engångskod", "Confirm with a one-time code"),
        ["mfa.intro"] = new("Tjänsten kräver tvåfaktorsinloggning (tillitsnivå 3). Ange koden från din autentiseringsapp.", "The service requires two-factor sign-in (assurance level 3). Enter the code from your authenticator app."),
        ["mfa.code"] = new("Engångskod (6 siffror)", "One-time code (6 digits)"),
        ["mfa.submit"] = new("Bekräfta", "Confirm"),
        ["mfa.failed"] = new("Koden stämmer inte. Försök igen.", "The code is not correct. Try again."),
        ["mfa.notEnrolled"] = new("Tjänsten kräver tvåfaktorsinloggning, men ditt konto har ingen autentiseringsapp kopplad. Kontakta IT-supporten.", "The service requires two-factor sign-in, but your account has no authenticator app. Contact IT support."),
        ["signout.title"] = new("Logga ut", "Sign out"),
        ["signout.question"] = new("Vill du logga ut från alla skolans tjänster?", "Do you want to sign out of all the schools' services?"),
        ["signout.submit"] = new("Ja, logga ut", "Yes, sign out"),
        ["signedout.title"] = new("Du är utloggad", "You are signed out"),
        ["signedout.text"] = new("Stäng webbläsaren om du använder en delad dator.", "Close the browser if you use a shared computer."),
        ["home.signedInAs"] = new("Du är inloggad som", "You are signed in as"),
        ["home.notSignedIn"] = new("Du är inte inloggad.", "You are not signed in."),
        ["denied.title"] = new("Du har inte behörighet", "You do not have access"),
        ["denied.intro"] = new("Du är inloggad, men systemregistret ger dig inte tillgång till {0}.", "You are signed in, but the system register does not give you access to {0}."),
        ["denied.help"] = new("Tror du att det är fel? Kontakta systemförvaltaren eller IT-supporten.", "If you think this is wrong, contact the system administrator or IT support."),
        ["denied.back"] = new("Tillbaka till {0}", "Back to {0}"),
        ["error.title"] = new("Något gick fel", "Something went wrong"),
        ["error.generic"] = new("Inloggningen kunde inte genomföras.", "The sign-in could not be completed."),
        ["error.code"] = new("Felkod", "Error code"),
        ["error.back"] = new("Gå tillbaka till tjänsten och försök igen.", "Go back to the service and try again."),
        ["error.invalid_request"] = new("Tjänsten skickade en felaktig inloggningsbegäran.", "The service sent an invalid sign-in request."),
        ["error.invalid_client"] = new("Tjänsten är inte registrerad i systemregistret.", "The service is not registered in the system register."),
        ["error.unauthorized_client"] = new("Tjänsten är inte (längre) registrerad i systemregistret.", "The service is not (or no longer) registered in the system register."),
        ["home.myData"] = new("Mina uppgifter – vad federationen vet om dig och vilka system som fått det", "My data – what the federation holds about you and which systems received it"),
        ["mydata.title"] = new("Mina uppgifter", "My data"),
        ["mydata.intro"] = new("Här ser du vilka uppgifter skolfederationen har om dig och vilka system som har fått dem när du loggade in (dataskyddsförordningen, artikel 15).", "Here you see what the school federation holds about you and which systems received it when you signed in (GDPR, Article 15)."),
        ["mydata.held"] = new("Uppgifter om dig", "Data about you"),
        ["mydata.held.caption"] = new("Uppgifter som federationen har om dig", "Data the federation holds about you"),
        ["mydata.attribute"] = new("Uppgift", "Attribute"),
        ["mydata.values"] = new("Värde", "Value"),
        ["mydata.userName"] = new("Användarnamn", "User name"),
        ["mydata.released"] = new("System som har fått dina uppgifter", "Systems that received your data"),
        ["mydata.released.intro"] = new("Senast först. För varje system står ändamålet och den rättsliga grunden enligt kommunens systemregister.", "Most recent first. Each system shows its purpose and legal basis from the municipality's system register."),
        ["mydata.none"] = new("Inga system har fått uppgifter om dig under den tid som inloggningarna sparas.", "No system has received data about you during the time sign-ins are kept."),
        ["mydata.unavailable"] = new("Systemregistret svarar inte just nu, så vi kan inte visa vilka system som har fått dina uppgifter. Försök igen om en stund.", "The system register is not answering right now, so we cannot show which systems received your data. Try again in a while."),
        ["mydata.purposes"] = new("Ändamål", "Purposes"),
        ["mydata.legalBasis"] = new("Rättslig grund", "Legal basis"),
        ["mydata.notInRegister"] = new("Systemet finns inte längre i systemregistret.", "The system is no longer in the system register."),
        ["mydata.releases.caption"] = new("Uppgifter som {0} har fått", "Data {0} received"),
        ["mydata.when"] = new("När", "When"),
        ["mydata.which"] = new("Vilka uppgifter", "Which data"),
        ["mydata.retention"] = new("Inloggningarna sparas i {0} dagar och raderas sedan.", "Sign-ins are kept for {0} days and then deleted."),
        ["mydata.download"] = new("Ladda ned dina uppgifter", "Download your data"),
        ["mydata.download.intro"] = new("Filen innehåller allt som visas på den här sidan.", "The file holds everything shown on this page."),
        ["mydata.download.json"] = new("Ladda ned som JSON", "Download as JSON"),
        ["mydata.download.csv"] = new("Ladda ned som CSV (kalkylark)", "Download as CSV (spreadsheet)"),
        ["error.antiforgery"] = new("Formuläret hade gått ut. Ladda om sidan och försök igen.", "The form had expired. Reload the page and try again."),
    };

    public static string Language => PersonLanguage.Current.Name;

    public static string T(string key) => Texts.TryGetValue(key, out var text) ? text.Current : key;

    public static bool Has(string key) => Texts.ContainsKey(key);
}
