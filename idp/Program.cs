using Federation.Core.Configuration;
using Federation.Hosting;
using Federation.Idp;
using Federation.Idp.Bridging;
using Federation.Idp.Infrastructure;
using Federation.Idp.Oidc;

var builder = WebApplication.CreateBuilder(args);
if (builder.RefusesDemoValues())
{
    return 1;
}

builder.AddServiceDefaults("federation-idp");
builder.AddIdpOptions();
builder.AddIdpDatabase();
builder.AddKeyRing();
builder.AddLocalAccounts();
builder.AddOidcServer();
builder.AddRegisterFeed();
builder.AddSignInUi();
builder.AddSaml();       // idp/Saml, both roles, on the idp's database and session (Bridging/BridgingSetup.cs)
builder.AddBridging();   // upstream OpenID Providers and every upstream's claims mapping

var app = builder.Build();
if (app.RefusesInvalidSettings())
{
    return 1;
}

await app.PrepareIdpAsync();
app.UseProblemDetailsForErrors();
app.UseSignInUi();
app.MapDefaultEndpoints();
app.MapProtocolEndpoints();
app.MapSignInUi();
app.MapSaml();
app.MapBridging();
app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
