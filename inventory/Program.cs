using Federation.Hosting;
using Federation.Inventory;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("federation-inventory");
builder.AddInventory();

var app = builder.Build();
app.UseProblemDetailsForErrors();
app.MapDefaultEndpoints();
app.MapInventory();
await app.RunAsync();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
