using Federation.Core.Configuration;
using Federation.Hosting;
using Federation.Inventory;

var builder = WebApplication.CreateBuilder(args);
if (builder.RefusesDemoValues())
{
    return 1;
}

builder.AddServiceDefaults("federation-inventory");
builder.AddInventory();

var app = builder.Build();
if (app.RefusesInvalidSettings())
{
    return 1;
}

app.UseProblemDetailsForErrors();
app.MapDefaultEndpoints();
app.MapInventory();
await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
