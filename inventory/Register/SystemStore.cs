using System.Text.Json;
using System.Text.Json.Serialization;
using Federation.Core.Feed;
using Federation.Core.Text;
using Federation.Inventory.Domain;
using Federation.Inventory.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Federation.Inventory.Register;

/// <summary>Filters of <c>GET /api/systems</c>.</summary>
public sealed record SystemQuery(
    string? Q = null,
    LifecyclePhase? Lifecycle = null,
    string? Category = null,
    string? DataSubject = null,
    bool? ThirdCountryTransfer = null,
    bool? HasFindings = null,
    int Page = 1,
    int PageSize = 100);

/// <summary>One page of systems.</summary>
public sealed record SystemPage(int Total, int Page, int PageSize, IReadOnlyList<SystemRecord> Items);

public enum WriteStatus
{
    Created,
    Updated,
    Unchanged,
    Deleted,
    NotFound,
    Conflict,
    PreconditionFailed,
    /// <summary>The lifecycle change is not a step of <see cref="LifecycleSteps"/>; the record is the stored one.</summary>
    NotAStep,
}

/// <summary>What a write did; <paramref name="Field"/> and <paramref name="Message"/> explain a conflict (<see cref="Text"/>: the same for people).</summary>
public sealed record WriteResult(WriteStatus Status, SystemRecord? Record = null, long Version = 0, string? Field = null, string? Message = null)
{
    public PersonText? Text { get; init; }
}

/// <summary>One row of an import: its row number in the file, the system id, and how it becomes a record.</summary>
/// <param name="Build">Makes the record from the stored one (null when new), inside the import's transaction,
/// so that what a CSV leaves out is kept from the current register.</param>
public sealed record ImportRow(int Row, string Id, Func<SystemRecord?, SystemRecord> Build);

/// <summary>An import error on one row.</summary>
public sealed record RowError(int Row, string? Id, string Field, string Message)
{
    /// <summary>The message for people (the import preview); the API answers with <see cref="Message"/>.</summary>
    [JsonIgnore]
    public PersonText Words { get => field ?? new PersonText(Message, Message); init; }

    public static RowError Of(int row, string? id, string field, PersonText message) => new(row, id, field, message.En) { Words = message };
}

/// <summary>What an import did, or why it did nothing.</summary>
public sealed record ImportResult(
    bool Applied,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<RowError> Errors)
{
    /// <summary>Per system what the import does (or did): for the preview page; not in the API's answer.</summary>
    [JsonIgnore]
    public IReadOnlyList<ImportItem> Items { get; init; } = [];

    /// <summary>The register version the plan was made on (after a write: the new version).</summary>
    [JsonIgnore]
    public long RegisterVersion { get; init; }

    /// <summary>True when the register changed after the preview this import was asked to apply; nothing was written.</summary>
    [JsonIgnore]
    public bool Stale { get; init; }
}

public enum ImportItemStatus
{
    New,
    Changed,
    Unchanged,
}

/// <summary>One system of an import: its row, what happens to it, and the record before (null when new) and after.</summary>
public sealed record ImportItem(int Row, string Id, ImportItemStatus Status, SystemRecord? Before, SystemRecord After);

/// <summary>Reads and writes systems; every write is audited and bumps the register version.</summary>
public sealed class SystemStore(InventoryDbContext db, AuditChain chain, TimeProvider time, RegisterChangeSignal signal)
{
    public async Task<(SystemRecord Record, long Version)?> FindAsync(string id, CancellationToken ct)
    {
        var row = await db.Systems.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return row is null ? null : (row.ToRecord(), row.Version);
    }

    public async Task<List<SystemRecord>> AllAsync(bool includeRetired, CancellationToken ct)
    {
        var retired = nameof(LifecyclePhase.Avvecklad);
        var rows = await db.Systems.AsNoTracking()
            .Where(s => includeRetired || s.Lifecycle != retired)
            .OrderBy(s => s.Id)
            .Select(s => s.Document)
            .ToListAsync(ct);
        return rows.Select(d => JsonSerializer.Deserialize<SystemRecord>(d, SystemRows.Json)!).ToList();
    }

    public async Task<SystemPage> ListAsync(SystemQuery query, CancellationToken ct)
    {
        var rows = db.Systems.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var q = query.Q.Trim().ToLowerInvariant();
            rows = rows.Where(s => s.SearchText.Contains(q));
        }

        if (query.Lifecycle is { } phase)
        {
            var name = phase.ToString();
            rows = rows.Where(s => s.Lifecycle == name);
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            var category = query.Category.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // Runs as SQL lower(), where string.Equals with a comparison does not translate.
            rows = rows.Where(s => s.Category.ToLower() == category);
#pragma warning restore CA1862
        }

        if (!string.IsNullOrWhiteSpace(query.DataSubject))
        {
            var marker = "|" + query.DataSubject.Trim().ToLowerInvariant() + "|";
            rows = rows.Where(s => s.DataSubjects.Contains(marker));
        }

        if (query.ThirdCountryTransfer is { } transfer)
        {
            rows = rows.Where(s => s.HasThirdCountryTransfer == transfer);
        }

        rows = rows.OrderBy(s => s.Id);
        var skip = (query.Page - 1) * query.PageSize;
        if (query.HasFindings is not { } wanted)
        {
            var total = await rows.CountAsync(ct);
            var page = await rows.Skip(skip).Take(query.PageSize).Select(s => s.Document).ToListAsync(ct);
            return new SystemPage(total, query.Page, query.PageSize, page.Select(Parse).Select(r => r.Masked()).ToList());
        }

        // Findings depend on today's date, so this filter runs here rather than in SQL.
        var today = Today();
        var matching = (await rows.Select(s => s.Document).ToListAsync(ct))
            .Select(Parse)
            .Where(r => ComplianceFindings.For(r, today).Any() == wanted)
            .ToList();
        return new SystemPage(matching.Count, query.Page, query.PageSize,
            matching.Skip(skip).Take(query.PageSize).Select(r => r.Masked()).ToList());
    }

    public DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<WriteResult> CreateAsync(SystemRecord record, string actor, CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        if (await db.Systems.AnyAsync(s => s.Id == record.Id, ct))
        {
            return new WriteResult(WriteStatus.Conflict, Field: "id", Message: $"A system with id '{record.Id}' already exists.")
            {
                Text = new($"Det finns redan ett system med id ”{record.Id}”.", $"A system with id '{record.Id}' already exists."),
            };
        }

        var stored = record.KeepingSecretOf(null);
        if (await FindIntegrationClashAsync(stored, ct) is { } clash)
        {
            return clash;
        }

        var version = tx.NextVersion();
        db.Systems.Add(SystemRows.NewRow(stored, version, tx.Now));
        tx.Audit("create", "system:" + stored.Id, null, AuditJson(stored));
        await CommitAsync(tx, ct);
        return new WriteResult(WriteStatus.Created, stored.Masked(), version);
    }

    public async Task<WriteResult> UpdateAsync(string id, SystemRecord record, long expectedVersion, string actor, CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        var row = await db.Systems.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return new WriteResult(WriteStatus.NotFound);
        }

        if (row.Version != expectedVersion)
        {
            return new WriteResult(WriteStatus.PreconditionFailed, Version: row.Version);
        }

        var before = row.ToRecord();
        var after = record.KeepingSecretOf(before);
        if (await FindIntegrationClashAsync(after, ct) is { } clash)
        {
            return clash;
        }

        var version = tx.NextVersion();
        row.Fill(after, version, tx.Now);
        tx.Audit("update", "system:" + id, AuditJson(before), AuditJson(after));
        await CommitAsync(tx, ct);
        return new WriteResult(WriteStatus.Updated, after.Masked(), version);
    }

    /// <summary>
    /// Moves a system one step through its life cycle (<see cref="LifecycleSteps"/>), checked
    /// under the register's lock against the stored phase, audited as <c>lifecycle</c>.
    /// </summary>
    public async Task<WriteResult> StepLifecycleAsync(string id, LifecyclePhase to, long expectedVersion, string actor, CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        var row = await db.Systems.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return new WriteResult(WriteStatus.NotFound);
        }

        if (row.Version != expectedVersion)
        {
            return new WriteResult(WriteStatus.PreconditionFailed, row.ToRecord().Masked(), row.Version);
        }

        var before = row.ToRecord();
        if (!LifecycleSteps.From(before.Lifecycle).Contains(to))
        {
            return new WriteResult(WriteStatus.NotAStep, before.Masked(), row.Version);
        }

        var after = before with { Lifecycle = to };
        var version = tx.NextVersion();
        row.Fill(after, version, tx.Now);
        tx.Audit("lifecycle", "system:" + id, AuditJson(before), AuditJson(after));
        await CommitAsync(tx, ct);
        return new WriteResult(WriteStatus.Updated, after.Masked(), version);
    }

    public async Task<WriteResult> DeleteAsync(string id, long expectedVersion, string actor, CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        var row = await db.Systems.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return new WriteResult(WriteStatus.NotFound);
        }

        if (row.Version != expectedVersion)
        {
            return new WriteResult(WriteStatus.PreconditionFailed, Version: row.Version);
        }

        tx.NextVersion();
        db.Systems.Remove(row);
        tx.Audit("delete", "system:" + id, AuditJson(row.ToRecord()), null);
        await CommitAsync(tx, ct);
        return new WriteResult(WriteStatus.Deleted);
    }

    /// <summary>
    /// Upserts every row in one transaction. Rows equal to what is stored change nothing, so
    /// importing the same file twice is harmless. Any error leaves the register untouched. With
    /// <paramref name="expectedRegisterVersion"/> (the version a preview was made on) nothing is
    /// written when the register has changed since: the answer is the new preview, marked stale.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string actor, CancellationToken ct, long? expectedRegisterVersion = null)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        var plan = await PlanAsync(rows, tx, ct);
        if (plan.Errors.Count > 0)
        {
            // Nothing was written; disposing the transaction releases the lock.
            return new ImportResult(false, [], [], [], plan.Errors) { Items = plan.Items, RegisterVersion = plan.RegisterVersion };
        }

        if (expectedRegisterVersion is { } expected && expected != plan.RegisterVersion)
        {
            return new ImportResult(false, [], [], [], []) { Items = plan.Items, RegisterVersion = plan.RegisterVersion, Stale = true };
        }

        List<string> created = [], updated = [], unchanged = [];
        foreach (var item in plan.Items)
        {
            var (before, after) = (item.Before, item.After);
            if (item.Status == ImportItemStatus.Unchanged)
            {
                unchanged.Add(after.Id);
                continue;
            }

            var version = tx.NextVersion();
            if (before is null)
            {
                db.Systems.Add(SystemRows.NewRow(after, version, tx.Now));
                tx.Audit("import-create", "system:" + after.Id, null, AuditJson(after));
                created.Add(after.Id);
            }
            else
            {
                plan.Stored[after.Id].Fill(after, version, tx.Now);
                tx.Audit("import-update", "system:" + after.Id, AuditJson(before), AuditJson(after));
                updated.Add(after.Id);
            }
        }

        await CommitAsync(tx, ct);
        return new ImportResult(true, created, updated, unchanged, []) { Items = plan.Items, RegisterVersion = tx.State.Version };
    }

    /// <summary>
    /// What <see cref="ImportAsync"/> would do, writing nothing: each system new, changed or
    /// unchanged with its before and after, the row errors, and the register version it was
    /// computed on (a dry run in the same lock and with the same checks as the import).
    /// </summary>
    public async Task<ImportResult> PreviewImportAsync(IReadOnlyList<ImportRow> rows, string actor, CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, actor, time, ct);
        var plan = await PlanAsync(rows, tx, ct);
        return new ImportResult(false, [], [], [], plan.Errors) { Items = plan.Items, RegisterVersion = plan.RegisterVersion };
    }

    private sealed record ImportPlan(List<ImportItem> Items, List<RowError> Errors, Dictionary<string, SystemRow> Stored, long RegisterVersion);

    private async Task<ImportPlan> PlanAsync(IReadOnlyList<ImportRow> rows, RegisterTransaction tx, CancellationToken ct)
    {
        List<RowError> errors = [];

        // Two queries for the whole file: the rows it touches, and the integration keys of the rest.
        var ids = rows.Select(r => r.Id).ToList();
        var stored = await db.Systems.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, StringComparer.Ordinal, ct);
        var others = await db.Systems.AsNoTracking().Where(s => !ids.Contains(s.Id))
            .Select(s => new { s.Id, s.ClientId, s.SamlEntityId, s.PublicPath }).ToListAsync(ct);

        var planned = new List<(ImportRow Row, SystemRecord? Before, SystemRecord After)>();
        foreach (var row in rows)
        {
            var before = stored.GetValueOrDefault(row.Id)?.ToRecord();
            var after = SystemValidator.Normalize(row.Build(before)).KeepingSecretOf(before);
            if (SystemValidator.Check(after) is { Count: > 0 } invalid)
            {
                errors.AddRange(invalid.Select(p => RowError.Of(row.Row, row.Id, p.Path, p.Message)));
                continue;
            }

            planned.Add((row, before, after));
        }

        // Integration identifiers must stay unique in the register as it will be after the import.
        var owners = new Dictionary<(string Field, string Key), string>();
        foreach (var o in others)
        {
            foreach (var key in IntegrationKeys(o.ClientId, o.SamlEntityId, o.PublicPath))
            {
                owners[key] = o.Id;
            }
        }

        foreach (var (row, _, after) in planned)
        {
            var i = after.Integration;
            foreach (var key in IntegrationKeys(i?.OidcClient?.ClientId, i?.SamlSp?.EntityId, i?.Backend?.PublicPath))
            {
                if (owners.TryGetValue(key, out var owner) && owner != after.Id)
                {
                    errors.Add(RowError.Of(row.Row, row.Id, key.Field, new($"”{key.Key}” används redan av systemet ”{owner}”.", $"'{key.Key}' is already used by system '{owner}'.")));
                }
                else
                {
                    owners[key] = after.Id;
                }
            }
        }

        var items = planned.Select(p => new ImportItem(p.Row.Row, p.After.Id,
            p.Before is null ? ImportItemStatus.New
            : JsonSerializer.Serialize(p.Before, SystemRows.Json) == JsonSerializer.Serialize(p.After, SystemRows.Json) ? ImportItemStatus.Unchanged
            : ImportItemStatus.Changed,
            p.Before, p.After)).ToList();
        return new ImportPlan(items, errors.OrderBy(e => e.Row).ToList(), stored, tx.State.Version);
    }

    private static IEnumerable<(string Field, string Key)> IntegrationKeys(string? clientId, string? entityId, string? publicPath)
    {
        if (clientId is not null) yield return ("integration.oidcClient.clientId", clientId);
        if (entityId is not null) yield return ("integration.samlSp.entityId", entityId);
        if (publicPath is not null) yield return ("integration.backend.publicPath", publicPath);
    }

    /// <summary>
    /// Registers from before hashed secrets stored them in clear: hashes every one that is left,
    /// in one audited write, so that neither the database nor the feed holds a secret any longer.
    /// </summary>
    public async Task<int> HashPlainSecretsAsync(CancellationToken ct)
    {
        await using var tx = await RegisterTransaction.BeginAsync(db, chain, "system:secret-upgrade", time, ct);
        var rows = await db.Systems.Where(s => s.Document.Contains("\"clientSecret\"")).ToListAsync(ct);
        var hashed = 0;
        foreach (var row in rows)
        {
            var before = row.ToRecord();
            if (before.Integration?.OidcClient?.ClientSecret is not { Length: > 0 })
            {
                continue;
            }

            var after = before.KeepingSecretOf(null);
            row.Fill(after, tx.NextVersion(), tx.Now);
            tx.Audit("hash-client-secret", "system:" + row.Id, null, null);
            hashed++;
        }

        await CommitAsync(tx, ct);
        return hashed;
    }

    private async Task CommitAsync(RegisterTransaction tx, CancellationToken ct)
    {
        await tx.CommitAsync(ct);
        if (tx.ChangedRegister)
        {
            signal.Notify();
        }
    }

    private async Task<WriteResult?> FindIntegrationClashAsync(SystemRecord record, CancellationToken ct)
    {
        var i = record.Integration;
        if (i?.OidcClient?.ClientId is { } clientId
            && await db.Systems.Where(s => s.Id != record.Id && s.ClientId == clientId).Select(s => s.Id).FirstOrDefaultAsync(ct) is { } a)
        {
            return Clash("integration.oidcClient.clientId", new($"Klient-id ”{clientId}” används redan av systemet ”{a}”.", $"Client id '{clientId}' is already used by system '{a}'."));
        }

        if (i?.SamlSp?.EntityId is { } entityId
            && await db.Systems.Where(s => s.Id != record.Id && s.SamlEntityId == entityId).Select(s => s.Id).FirstOrDefaultAsync(ct) is { } b)
        {
            return Clash("integration.samlSp.entityId", new($"SAML-entitets-id ”{entityId}” används redan av systemet ”{b}”.", $"SAML entity id '{entityId}' is already used by system '{b}'."));
        }

        if (i?.Backend?.PublicPath is { } path
            && await db.Systems.Where(s => s.Id != record.Id && s.PublicPath == path).Select(s => s.Id).FirstOrDefaultAsync(ct) is { } c)
        {
            return Clash("integration.backend.publicPath", new($"Sökvägen ”{path}” i gatewayn används redan av systemet ”{c}”.", $"Gateway path '{path}' is already used by system '{c}'."));
        }

        // The host has no column: the few systems on the gateway are read back (inside the register's
        // write lock, so two writers cannot both take a host); the document filter only narrows the read.
        if (i?.Backend?.PublicHost is { } publicHost)
        {
            var candidates = await db.Systems.AsNoTracking()
                .Where(s => s.Id != record.Id && s.PublicPath != null && s.Document.Contains(publicHost))
                .Select(s => s.Document).ToListAsync(ct);
            if (candidates.Select(Parse).FirstOrDefault(s => string.Equals(s.Integration?.Backend?.PublicHost, publicHost, StringComparison.OrdinalIgnoreCase)) is { } d)
            {
                return Clash("integration.backend.publicHost", new($"Värdnamnet ”{publicHost}” i gatewayn används redan av systemet ”{d.Id}”.", $"Gateway host '{publicHost}' is already used by system '{d.Id}'."));
            }
        }

        return null;

        static WriteResult Clash(string field, PersonText message) => new(WriteStatus.Conflict, Field: field, Message: message.En) { Text = message };
    }

    private static SystemRecord Parse(string document) => JsonSerializer.Deserialize<SystemRecord>(document, SystemRows.Json)!;

    /// <summary>Audit entries keep the record without its secret.</summary>
    public static string AuditJson(SystemRecord record) => JsonSerializer.Serialize(record.Masked(), SystemRows.Json);
}
