using System.Text.Json.Serialization;
using Federation.Inventory.Apis;
using Federation.Inventory.Auth;
using Federation.Inventory.Feed;
using Federation.Inventory.Http;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
using Federation.Inventory.Retention;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Federation.Inventory;

/// <summary>The register's features, wired in one place so <c>Program.cs</c> reads as a table of contents.</summary>
public static class InventoryApplication
{
    public static IHostApplicationBuilder AddInventory(this IHostApplicationBuilder builder)
    {
        builder.AddInventoryDatabase();
        builder.AddInventoryAuth();

        var services = builder.Services;
        services.AddSingleton<RegisterChangeSignal>();
        services.AddSingleton<FeedCache>();
        services.AddScoped<SystemStore>();
        services.AddScoped<FeedBuilder>();
        services.AddScoped<DemoRegister>();

        services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection("Retention"))
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1), "Retention:Interval must be at least one second.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.FederationSystemId), "Retention:FederationSystemId is required.")
            .ValidateOnStart();
        services.AddScoped<SignInEventRetention>();
        services.AddHostedService<SignInEventRetentionJob>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        // Unreadable bodies and parameters become exceptions that BadRequestProblems explains.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
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
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapInventory(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("Federation system register"));
        app.MapSystemsApi();
        app.MapFeedApi();
        app.MapAuditApi();
        app.MapReportsApi();
        app.MapImportApi();
        app.MapSignInEventsApi();
        return app;
    }
}
