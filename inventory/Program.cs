using Federation.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("federation-inventory");

var app = builder.Build();
app.UseProblemDetailsForErrors();
app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
