using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Shell.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Formation.Workflows.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Workflows.Definitions;

/// <summary>Parsed definitions by (id, version): immutable, so cached for the life of the process.</summary>
internal sealed class DefinitionCache
{
    private readonly ConcurrentDictionary<(string, int), WorkflowDefinition> _items = new();
    public bool TryGet(string id, int version, out WorkflowDefinition definition) => _items.TryGetValue((id, version), out definition!);
    public void Add(WorkflowDefinition definition) => _items[(definition.Id, definition.Version)] = definition;
}

/// <summary>The versioned definitions (platform-wide): validated on save, every version kept.</summary>
internal sealed class WorkflowDefinitionStore(
    WorkflowsDbContext db, ShellDatabase database, DefinitionCache cache, IEnumerable<IWorkflowGuard> guards, TimeProvider time)
    : IWorkflowDefinitions
{
    public IReadOnlySet<string> GuardNames { get; } = guards.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads a definition from JSON text, with French errors for syntax, unknown fields and wrong types.</summary>
    public static WorkflowDefinition Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) throw new ValidationFailedException("json", "La définition est vide.");
        try
        {
            return JsonSerializer.Deserialize<WorkflowDefinition>(json, WorkflowDefinition.Json)
                   ?? throw new ValidationFailedException("json", "La définition est vide.");
        }
        catch (JsonException ex)
        {
            var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            var where = ex.LineNumber is { } line ? $" (ligne {line + 1})" : "";
            var field = path.Length == 0 ? "json" : path;
            var detail = ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "champ inconnu"
                : ex.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase) ? "valeur obligatoire"
                : ex.InnerException is null && ex.Message.StartsWith("Durée", StringComparison.Ordinal) ? ex.Message
                : "JSON invalide ou valeur d'un mauvais type";
            throw new ValidationFailedException(field, $"Définition illisible{where}{(path.Length == 0 ? "" : $", champ « {path} »")} : {detail}.");
        }
    }

    public void Validate(WorkflowDefinition definition) =>
        WorkflowDefinitionValidator.Validate(definition, GuardNames, Roles.All);

    public async Task<WorkflowDefinitionSaveResult> SaveAsync(string json, string? authorId, CancellationToken ct = default)
    {
        var parsed = Parse(json);
        Validate(parsed);
        WorkflowDefinitionSaveResult? result = null;
        await database.InTransactionAsync(async () =>
        {
            var latest = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == parsed.Id)
                .OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
            var latestVersion = latest?.Version ?? 0;
            var content = Canonical(parsed with { Version = 0 });
            // The same text as the version it names (a recipe run again), or as the latest: nothing to save.
            var same = parsed.Version != 0 && parsed.Version != latestVersion
                ? await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.DefinitionId == parsed.Id && d.Version == parsed.Version, ct)
                : latest;
            if (same is not null && Canonical(Materialize(same) with { Version = 0 }) == content)
            {
                result = new WorkflowDefinitionSaveResult(Materialize(same), Created: false);
                return;
            }
            if (parsed.Version != 0 && parsed.Version < latestVersion)
                throw new ValidationFailedException("version",
                    $"Cette définition part de la version {parsed.Version}, mais la version {latestVersion} a été enregistrée entre-temps : repartez de la dernière version.");
            if (parsed.Version > latestVersion + 1)
                throw new ValidationFailedException("version",
                    $"La version {parsed.Version} ne suit pas la dernière ({latestVersion}) : indiquez {latestVersion + 1}, ou retirez « version », la nouvelle version est numérotée à l'enregistrement.");
            var definition = parsed with { Version = latestVersion + 1 };
            db.Definitions.Add(new DefinitionRecord
            {
                DefinitionId = definition.Id, Version = definition.Version, Name = definition.Name,
                Json = definition.ToJson(), CreatedUtc = time.GetUtcNow(), CreatedBy = authorId,
            });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                throw new ValidationFailedException("version", $"La version {definition.Version} de « {definition.Id} » vient d'être enregistrée par quelqu'un d'autre : repartez de la dernière version.");
            }
            cache.Add(definition);
            result = new WorkflowDefinitionSaveResult(definition, Created: true);
        }, ct);
        return result!;
    }

    public async Task<WorkflowDefinition?> GetAsync(string definitionId, int? version = null, CancellationToken ct = default)
    {
        if (version is { } v && cache.TryGet(definitionId, v, out var cached)) return cached;
        var query = db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId);
        var record = version is { } wanted
            ? await query.FirstOrDefaultAsync(d => d.Version == wanted, ct)
            : await query.OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
        return record is null ? null : Materialize(record);
    }

    public async Task<IReadOnlyList<WorkflowDefinitionSummary>> ListAsync(CancellationToken ct = default)
    {
        var rows = await db.Definitions.AsNoTracking()
            .Select(d => new { d.DefinitionId, d.Version, d.Name, d.CreatedUtc }).ToListAsync(ct);
        return rows.GroupBy(r => r.DefinitionId)
            .Select(g =>
            {
                var latest = g.MaxBy(r => r.Version)!;
                return new WorkflowDefinitionSummary(g.Key, latest.Name, latest.Version, g.Count(), latest.CreatedUtc);
            })
            .OrderBy(s => s.Name, StringComparer.CurrentCulture).ToList();
    }

    public async Task<IReadOnlyList<WorkflowDefinitionVersionInfo>> VersionsAsync(string definitionId, CancellationToken ct = default) =>
        (await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId)
            .Select(d => new { d.DefinitionId, d.Version, d.Name, d.CreatedUtc, d.CreatedBy }).ToListAsync(ct))
        .OrderByDescending(d => d.Version)
        .Select(d => new WorkflowDefinitionVersionInfo(d.DefinitionId, d.Version, d.Name, d.CreatedUtc, d.CreatedBy)).ToList();

    /// <summary>Instances per definition and version, every portal together (for the platform's pages).</summary>
    public async Task<Dictionary<(string Id, int Version), (int Running, int Completed)>> InstanceCountsAsync(CancellationToken ct = default)
    {
        var rows = await db.Instances.IgnoreQueryFilters().AsNoTracking()
            .GroupBy(i => new { i.DefinitionId, i.DefinitionVersion, i.Status })
            .Select(g => new { g.Key.DefinitionId, g.Key.DefinitionVersion, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        return rows.GroupBy(r => (r.DefinitionId, r.DefinitionVersion)).ToDictionary(
            g => g.Key,
            g => (g.Where(r => r.Status == WorkflowInstanceStatus.Running).Sum(r => r.Count), g.Where(r => r.Status == WorkflowInstanceStatus.Completed).Sum(r => r.Count)));
    }

    private WorkflowDefinition Materialize(DefinitionRecord record)
    {
        if (cache.TryGet(record.DefinitionId, record.Version, out var cached)) return cached;
        var definition = JsonSerializer.Deserialize<WorkflowDefinition>(record.Json, WorkflowDefinition.Json)! with { Version = record.Version };
        cache.Add(definition);
        return definition;
    }

    private static string Canonical(WorkflowDefinition definition) => JsonNode.Parse(definition.ToJson())!.ToJsonString();
}
