using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Hosting;
using Federation.Idp.Audit;
using Federation.Idp.Clients;
using Federation.Idp.Identity;
using Federation.Idp.Infrastructure;
using Federation.Idp.Keys;
using Federation.Idp.Oidc;
using Federation.Idp.Pages;
using Federation.Ui;
using Microsoft.AspNetCore.Identity;

namespace Federation.Idp;

/// <summary>One extension method per feature of the idp, so Program.cs reads as a table of contents.</summary>
public static class IdpSetup
{
    public static IHostApplicationBuilder AddIdpOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdpOptions>().BindConfiguration(IdpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>ASP.NET Core Identity accounts in the idp's database: password rules, lockout, TOTP.</summary>
    public static IHostApplicationBuilder AddLocalAccounts(this IHostApplicationBuilder builder)
    {
        var idp = builder.Configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        builder.Services.AddAuthentication(FederationSession.Scheme).AddFederationSession(idp.SessionLifetime);
        builder.Services.AddIdentityCore<IdpUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<IdpDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        builder.Services.AddScoped<LocalAccounts>();
        builder.Services.AddScoped<AuthenticatorCodes>();
        builder.Services.AddScoped<DecoyPassword>();
        LoginThrottle.AddLoginThrottle(builder);
        builder.Services.AddSingleton<Telemetry.IdpMetrics>();
        builder.Services.AddSingleton<SignInAudit>();
        builder.Services.AddHttpClient(SignInEventForwarder.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddHostedService<SignInEventForwarder>();
        builder.Services.AddHttpClient(PersonReleases.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddScoped<PersonReleases>();
        return builder;
    }

    /// <summary>RSA keys kept in the database, rotated on a schedule, shared by every replica.</summary>
    public static IHostApplicationBuilder AddKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddHostedService<KeyRingRefresher>();
        return builder;
    }

    /// <summary>Clients, release lists and policies from the register's feed, read with a token the idp mints itself.</summary>
    public static IHostApplicationBuilder AddRegisterFeed(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SelfIssuedTokens>();
        builder.Services.AddSingleton<IFeedAccessTokenSource>(sp => sp.GetRequiredService<SelfIssuedTokens>());
        builder.Services.AddFederationFeed();
        builder.Services.AddSingleton<RegisteredClients>();
        builder.Services.AddSingleton<ClientSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClientSync>());
        builder.Services.AddHealthChecks().AddCheck<ClientSyncHealthCheck>("clients", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }

    /// <summary>Razor Pages for sign-in, MFA, sign-out and the person's own data, Swedish by default, in the federation's one look.</summary>
    public static IHostApplicationBuilder AddSignInUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();
        builder.Services.AddFederationUi(ui =>
        {
            ui.ServiceName = new PersonText("Inloggning", "Sign-in");
            ui.SignOutPath = SignoutModel.Path;
            ui.Navigation.Add(new NavigationLink(new PersonText("Mina uppgifter", "My data"), MinaUppgifterModel.Path,
                person => person.Identity?.IsAuthenticated == true));
        });
        builder.Services.AddBrowserClientCors();
        return builder;
    }

    /// <summary>Before the first request: schema, keys, demo users.</summary>
    public static async Task PrepareIdpAsync(this WebApplication app)
    {
        // Under the start-up lock: two replicas starting together make one first key and one set of demo users.
        await app.Services.PrepareIdpDatabaseAsync(async ct =>
        {
            await app.Services.GetRequiredService<KeyRing>().RefreshAsync(ct);
            await DemoUsers.SeedAsync(app.Services, ct);
        });
    }

    public static WebApplication UseSignInUi(this WebApplication app)
    {
        // Before everything that logs or calls out: a sign-in's pages run in the client's trace.
        app.UseMiddleware<Telemetry.SignInTraceContinuation>();
        // Machine-to-machine endpoints answer in JSON with protocol error codes: no culture to pick.
        app.UseWhen(ctx => !IsMachineEndpoint(ctx.Request.Path), branch => branch.UseRequestLocalization());
        // Protocol errors that cannot go back to the client are shown as a page that says what happened.
        app.UseWhen(
            ctx => ctx.Request.Path.StartsWithSegments(ProtocolPaths.Authorization) || ctx.Request.Path.StartsWithSegments(ProtocolPaths.EndSession),
            branch => branch.UseStatusCodePagesWithReExecute("/error"));
        app.UseRouting();
        app.UseCors(); // before authentication: OpenIddict answers the token endpoint there
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    private static readonly PathString[] MachineEndpoints =
    [
        ProtocolPaths.Token, ProtocolPaths.Introspection, ProtocolPaths.Revocation, ProtocolPaths.UserInfo,
        ProtocolPaths.WellKnown, "/health", "/metrics",
    ];

    private static bool IsMachineEndpoint(PathString path) => MachineEndpoints.Any(path.StartsWithSegments);

    public static WebApplication MapSignInUi(this WebApplication app)
    {
        app.MapRazorPages();
        // The shared stylesheet and the language switch (/culture), the same in every service.
        app.MapFederationUi();
        return app;
    }
}
