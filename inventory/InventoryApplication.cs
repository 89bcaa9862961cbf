using System.Text.Json.Serialization;
using Federation.Core.Text;
using Federation.Inventory.Apis;
using Federation.Inventory.Auth;
using Federation.Inventory.Feed;
using Federation.Inventory.Http;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Federation.Inventory.Retention;
using Federation.Ui;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Federation.Inventory;

/// <summary>The register's features, wired in one place so <c>Program.cs</c> reads as a table of contents.</summary>
public static class InventoryApplication
{
    /// <summary>The OpenAPI security scheme for signing in at the idp (authorization code + PKCE).</summary>
    public const string SignInScheme = "OAuth2";

    public static IHostApplicationBuilder AddInventory(this IHostApplicationBuilder builder)
    {
        builder.AddRegisterDatabase();
        builder.AddInventoryAuth();
        builder.AddRegisterSignIn();
        builder.Services.AddFederationUi(ui =>
        {
            ui.ServiceName = new PersonText("Systemregistret", "System register");
            ui.HomePath = RegisterSignIn.PagesRoot;
            ui.SignOutPath = RegisterSignIn.SignOutPath;
            ui.Navigation.Add(new NavigationLink(new PersonText("System", "Systems"), RegisterSignIn.PagesRoot));
            ui.Navigation.Add(new NavigationLink(new PersonText("Registrera system", "Register a system"), "/register/systems/new",
                user => RegisterPermissions.CanCreate(RegisterPerson.From(user))));
            ui.Navigation.Add(new NavigationLink(new PersonText("Läs in CSV", "Import CSV"), "/register/import",
                user => RegisterPermissions.CanImport(RegisterPerson.From(user))));
        });

        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => development || !string.IsNullOrEmpty(o.Key),
                "Audit:Key is required outside Development: the key of the audit chain, kept outside the database.")
            .Validate(o => string.IsNullOrEmpty(o.Key) || o.Key.Length >= AuditOptions.MinimumKeyLength,
                $"Audit:Key needs at least {AuditOptions.MinimumKeyLength} characters.")
            .ValidateOnStart();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<RegisterChangeSignal>();
        services.AddSingleton<FeedCache>();
        services.AddScoped<SystemStore>();
        services.AddScoped<FeedBuilder>();
        services.AddScoped<DemoRegister>();

        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1), "Retention:Interval must be at least one second.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.FederationSystemId), "Retention:FederationSystemId is required.")
            .ValidateOnStart();
        services.AddScoped<SignInEventRetention>();
        services.AddHostedService<SignInEventRetentionJob>();
        services.AddSingleton<Telemetry.RegisterMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<Telemetry.RegisterMetrics>());

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        // Unreadable bodies and parameters become exceptions that BadRequestProblems explains.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, context, _) =>
        {
            var authority = context.ApplicationServices.GetRequiredService<IOptions<InventoryAuthOptions>>().Value.Authority!;
            document.Info.Title = "Federation system register (inventory)";
            document.Info.Description = "Systems, GDPR records of processing (Art. 30), access policies, audit log, reports and the federation feed. "
                + "Writes need a bearer token with role register-admin; the feed needs scope federation.feed.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An RFC 9068 access token (typ at+jwt) from the idp with audience federation-inventory.",
            };
            // Register administrators sign in at the idp from this page (public client, PKCE S256).
            document.Components.SecuritySchemes[SignInScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "Sign in at the idp as a register administrator (role register-admin).",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri(authority, "connect/authorize"),
                        TokenUrl = new Uri(authority, "connect/token"),
                        Scopes = new Dictionary<string, string>
                        {
                            ["openid"] = "Sign in",
                            [DemoRegister.RegisterScope] = "Write to the register (audience federation-inventory)",
                        },
                    },
                },
            };
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapInventory(this WebApplication app)
    {
        // The pages' language (Swedish unless the person chose English); the API stays English and invariant.
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapFederationUi();
        app.MapRazorPages();
        app.MapOpenApi();
        // The redirect URI is this page on the address the browser used; the register's own system
        // (demo: "register") must list it among its client's redirect URIs.
        app.MapScalarApiReference((o, http) => o.WithTitle("Federation system register")
            .AddPreferredSecuritySchemes([SignInScheme])
            .AddAuthorizationCodeFlow(SignInScheme, flow => flow
                .WithClientId(DemoRegister.RegisterClientId)
                .WithPkce(Pkce.Sha256)
                .WithSelectedScopes(["openid", DemoRegister.RegisterScope])
                .WithRedirectUri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/scalar/")));
        app.MapSystemsApi();
        app.MapFeedApi();
        app.MapAuditApi();
        app.MapReportsApi();
        app.MapImportApi();
        app.MapSignInEventsApi();
        return app;
    }
}
