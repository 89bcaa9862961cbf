using Federation.Hosting;
using Federation.Inventory;
using Federation.Inventory.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("federation-inventory");
builder.AddInventory();

var app = builder.Build();
app.UseProblemDetailsForErrors();
app.MapDefaultEndpoints();
app.MapInventory();
await app.InitializeRegisterAsync();
await app.RunAsync();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
