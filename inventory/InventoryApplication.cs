using System.Text.Json.Serialization;
using Federation.Inventory.Apis;
using Federation.Inventory.Auth;
using Federation.Inventory.Feed;
using Federation.Inventory.Http;
using Federation.Inventory.Infrastructure;
using Federation.Inventory.Register;
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

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        // Unreadable bodies and parameters become exceptions that BadRequestProblems explains.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapInventory(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapSystemsApi();
        app.MapFeedApi();
        app.MapAuditApi();
        app.MapReportsApi();
        return app;
    }
}
