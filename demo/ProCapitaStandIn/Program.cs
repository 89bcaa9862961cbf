using Federation.Demo.ProCapita;
using Federation.Gateway.Forwarding;
using Federation.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

// A stand-in for ProCapita Education behind the gateway: it trusts only identity headers
// whose signature verifies with the key it shares with the gateway.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("federation-demo-procapita");
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

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
