using Federation.Inventory.Import;
using Federation.Inventory.Register;
using Federation.Inventory.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Inventory.Tests.Import;

public sealed class ImportPreviewSqliteTests(SqliteInventory host) : ImportPreviewTests(host), IClassFixture<SqliteInventory>;

public sealed class ImportPreviewPostgresTests(PostgresInventory host) : ImportPreviewTests(host), IClassFixture<PostgresInventory>;

/// <summary>
/// The CSV export and the import's dry run: an exported register imports as unchanged; a preview
/// names each system new, changed or unchanged and writes nothing; applying a preview after the
/// register moved on writes nothing and answers with the new preview.
/// </summary>
public abstract class ImportPreviewTests(InventoryHost host)
{
    private async Task<T> WithStore<T>(Func<SystemStore, Task<T>> use)
    {
        using var scope = host.Factory.Services.CreateScope();
        return await use(scope.ServiceProvider.GetRequiredService<SystemStore>());
    }

    private Task<string> ExportAsync() => WithStore(async s => RegisterCsv.Write(await s.AllAsync(includeRetired: true, default)));

    [Fact]
    public async Task The_export_imports_as_unchanged_every_system()
    {
        var csv = await ExportAsync();
        var (rows, errors) = RegisterCsv.Parse(csv);

        var preview = await WithStore(s => s.PreviewImportAsync(rows, "test", default));

        Assert.Empty(errors);
        Assert.Empty(preview.Errors);
        Assert.NotEmpty(preview.Items);
        Assert.All(preview.Items, i => Assert.True(i.Status == ImportItemStatus.Unchanged, $"{i.Id} is {i.Status}"));
        Assert.Contains("Användning och support", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("AnvandningOchSupport", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preview_names_new_changed_and_unchanged_and_writes_nothing_and_a_stale_preview_is_refused()
    {
        var csv = await ExportAsync();
        var lines = csv.Split("\r\n").ToList();
        var procapita = lines.FindIndex(l => l.StartsWith("procapita,", StringComparison.Ordinal));
        lines[procapita] = lines[procapita].Replace("ProCapita Education", "ProCapita Utbildning", StringComparison.Ordinal);
        lines.Insert(procapita + 1, lines[procapita].Replace("procapita,", "procapita-kopia,", StringComparison.Ordinal));
        var (rows, _) = RegisterCsv.Parse(string.Join("\r\n", lines));
        var versionBefore = await WithStore(async s => (await s.FindAsync("procapita", default))!.Value.Version);

        var preview = await WithStore(s => s.PreviewImportAsync(rows, "test", default));

        Assert.Equal(ImportItemStatus.Changed, preview.Items.Single(i => i.Id == "procapita").Status);
        Assert.Equal("ProCapita Utbildning", preview.Items.Single(i => i.Id == "procapita").After.Name);
        Assert.Equal(ImportItemStatus.New, preview.Items.Single(i => i.Id == "procapita-kopia").Status);
        Assert.Equal(ImportItemStatus.Unchanged, preview.Items.Single(i => i.Id == "schoolsoft").Status);
        Assert.Equal(versionBefore, (await WithStore(s => s.FindAsync("procapita", default)))!.Value.Version);
        Assert.Null(await WithStore(s => s.FindAsync("procapita-kopia", default)));

        // Someone changes the register after the preview: applying it writes nothing and shows the new plan.
        var (current, version) = (await WithStore(s => s.FindAsync("lika", default)))!.Value;
        await WithStore(s => s.UpdateAsync("lika", current with { Vendor = "Ny leverantör" }, version, "someone", default));
        var stale = await WithStore(s => s.ImportAsync(rows, "test", default, preview.RegisterVersion));

        Assert.False(stale.Applied);
        Assert.True(stale.Stale);
        Assert.True(stale.RegisterVersion > preview.RegisterVersion);
        Assert.Equal(ImportItemStatus.Changed, stale.Items.Single(i => i.Id == "lika").Status); // the export's row would undo their change
        Assert.Null(await WithStore(s => s.FindAsync("procapita-kopia", default)));

        var applied = await WithStore(s => s.ImportAsync(rows, "test", default, stale.RegisterVersion));

        Assert.True(applied.Applied);
        Assert.Contains("procapita-kopia", applied.Created);
        Assert.Contains("procapita", applied.Updated);
        Assert.Equal("ProCapita Utbildning", (await WithStore(s => s.FindAsync("procapita", default)))!.Value.Record.Name);
    }
}
