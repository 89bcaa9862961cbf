using Federation.Core.Configuration;
using Federation.Demo.Backend;
using Federation.Gateway.Forwarding;
using Federation.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

// A stand-in for a system behind the gateway (ProCapita, the intranet, Förskoleportalen: one
// program, configured per system): it trusts only identity headers whose signature verifies
// with the key it shares with the gateway.
var builder = WebApplication.CreateBuilder(args);
if (builder.RefusesDemoValues())
{
    return 1;
}
builder.AddServiceDefaults("federation-demo-" + (builder.Configuration[$"{StandInOptions.Section}:SystemId"] ?? "procapita"));
builder.Services.AddOptions<StandInOptions>()
    .BindConfiguration(StandInOptions.Section)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton(sp =>
{
    var options = sp.GetRequiredService<IOptions<StandInOptions>>().Value;
    return new IdentityHeaderVerifier(options.SigningKey, options.SystemId, sp.GetRequiredService<TimeProvider>(), options.MaxSignatureAge);
});
// The gateway removes its path prefix and says which it was; links then work through it.
builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedPrefix | ForwardedHeaders.XForwardedProto);

var app = builder.Build();
app.UseForwardedHeaders();
app.UseProblemDetailsForErrors();
app.MapDefaultEndpoints();
app.MapIdentityPages();
app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
