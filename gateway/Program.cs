using Federation.Core.Configuration;
using Federation.Gateway.Identity;
using Federation.Gateway.Pages;
using Federation.Gateway.Proxy;
using Federation.Gateway.Routing;
using Federation.Gateway.Storage;
using Federation.Gateway.Telemetry;
using Federation.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel((context, kestrel) =>
{
    // The backends' own Server header passes through; the gateway does not announce itself.
    kestrel.AddServerHeader = false;
    // Kestrel reads only endpoints and certificates from its section; the limits in
    // appsettings.json (body 10 MB, 64 headers, …) apply only when bound here.
    context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
});
if (builder.RefusesDemoValues())
{
    return 1;
}

builder.AddServiceDefaults("federation-gateway");
builder.AddGatewayDatabase();
builder.AddFeedRouting();
builder.AddFederationProxy();
builder.AddGatewayAuthentication();
builder.AddGatewayRateLimits();
builder.AddGatewayTelemetry();
builder.AddPortal();

var app = builder.Build();
if (app.RefusesInvalidSettings())
{
    return 1;
}
await app.PrepareGatewayDatabaseAsync();

app.UseProblemDetailsForErrors();
app.UseMiddleware<SignInTracing>();
// Pages for people in their language (Federation.Core.Text.PersonLanguage); problem details stay English.
app.UseRequestLocalization();
app.UseMiddleware<RetiredSystemMiddleware>();
app.UseGatewayAuthentication();
// Explicit, so that it runs after authentication: the gateway-audience policy reads the token.
app.UseAuthorization();
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapPortal();
app.MapFederationProxy();
app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
