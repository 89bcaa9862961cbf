using Federation.Core.Configuration;
using Federation.Demo.EService;
using Federation.Hosting;

// A municipal e-service that signs people in at the idp itself (OpenID Connect, authorization
// code + PKCE, confidential client), not behind the gateway, and only at the level it needs.
var builder = WebApplication.CreateBuilder(args);
if (builder.RefusesDemoValues())
{
    return 1;
}
builder.AddServiceDefaults("federation-demo-eservice");
builder.AddEServiceSignIn();

var app = builder.Build();
app.UseProblemDetailsForErrors();
app.UseAuthentication();
app.MapDefaultEndpoints();
app.MapEServicePages();
app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
