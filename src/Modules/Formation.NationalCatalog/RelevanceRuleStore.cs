using System.Text.Json;
using Formation.NationalCatalog.Data;
using Formation.Shell.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog;

public sealed record RelevancePreviewItem(string NumeroFormation, string Title, string? OrganisationName);

/// <summary>What new rules would change: the trainings they would add to and remove from the portals.</summary>
public sealed record RelevancePreview(int CurrentlyShown, int ShownAfter, int AddedCount, int RemovedCount,
    IReadOnlyList<RelevancePreviewItem> Added, IReadOnlyList<RelevancePreviewItem> Removed);

/// <summary>The ASE relevance rules: read, previewed against the whole catalogue, applied (every flag recomputed).</summary>
public sealed class RelevanceRuleStore(NationalCatalogDbContext db, ShellDatabase database, NationalCatalogueEvents events, TimeProvider time)
{
    private const int PreviewListed = 50;

    public async Task<RelevanceRules> GetAsync(CancellationToken ct = default)
    {
        var row = await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == 1, ct);
        return row is null ? RelevanceRules.Default : JsonSerializer.Deserialize<RelevanceRules>(row.Json, RelevanceRules.Json) ?? RelevanceRules.Default;
    }

    public async Task<RelevanceRuleSet?> GetRowAsync(CancellationToken ct = default) => await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == 1, ct);

    public async Task<RelevancePreview> PreviewAsync(RelevanceRules rules, CancellationToken ct = default)
    {
        var (added, removed, shown, after) = await CompareAsync(rules, PreviewListed, ct);
        return new RelevancePreview(shown, after, added.Count, removed.Count,
            added.Take(PreviewListed).ToList(), removed.Take(PreviewListed).ToList());
    }

    /// <summary>Saves the rules and recomputes which trainings are shown, in one transaction.</summary>
    public async Task<RelevancePreview> ApplyAsync(RelevanceRules rules, string? by, CancellationToken ct = default)
    {
        RelevancePreview result = null!;
        await database.InTransactionAsync(async () =>
        {
            var (added, removed, shown, after) = await CompareAsync(rules, int.MaxValue, ct);
            foreach (var chunk in added.Select(a => a.NumeroFormation).Chunk(500))
                await db.Trainings.Where(t => chunk.Contains(t.NumeroFormation)).ExecuteUpdateAsync(s => s.SetProperty(t => t.Relevant, true), ct);
            foreach (var chunk in removed.Select(a => a.NumeroFormation).Chunk(500))
                await db.Trainings.Where(t => chunk.Contains(t.NumeroFormation)).ExecuteUpdateAsync(s => s.SetProperty(t => t.Relevant, false), ct);
            var row = await db.Rules.FirstOrDefaultAsync(r => r.Id == 1, ct);
            var json = JsonSerializer.Serialize(rules, RelevanceRules.Json);
            if (row is null) db.Rules.Add(new RelevanceRuleSet { Json = json, UpdatedUtc = time.GetUtcNow(), UpdatedBy = by });
            else { row.Json = json; row.UpdatedUtc = time.GetUtcNow(); row.UpdatedBy = by; }
            await db.SaveChangesAsync(ct);
            if (added.Count + removed.Count > 0) await events.CatalogueChangedAsync(ct);
            result = new RelevancePreview(shown, after, added.Count, removed.Count, added.Take(PreviewListed).ToList(), removed.Take(PreviewListed).ToList());
        }, ct);
        return result;
    }

    /// <summary>Streams the catalogue's deciding fields once (about 200,000 rows): no training is held whole.</summary>
    private async Task<(List<RelevancePreviewItem> Added, List<RelevancePreviewItem> Removed, int Shown, int After)> CompareAsync(RelevanceRules rules, int listed, CancellationToken ct)
    {
        var matcher = rules.Compile();
        List<RelevancePreviewItem> added = [], removed = [];
        int shown = 0, after = 0;
        var rows = db.Trainings.AsNoTracking().Where(t => !t.Withdrawn)
            .Select(t => new { t.NumeroFormation, t.Title, t.OrganisationName, t.CodeRncp, t.CodeRs, t.Formacodes, t.NsfCodes, t.CertificationTitle, t.Relevant })
            .AsAsyncEnumerable();
        await foreach (var t in rows.WithCancellation(ct))
        {
            var relevant = matcher.IsRelevant(t.CodeRncp, t.CodeRs, t.Formacodes, t.NsfCodes, t.Title, t.CertificationTitle);
            if (t.Relevant) shown++;
            if (relevant) after++;
            if (relevant && !t.Relevant) added.Add(new(t.NumeroFormation, t.Title, t.OrganisationName));
            else if (!relevant && t.Relevant) removed.Add(new(t.NumeroFormation, t.Title, t.OrganisationName));
        }
        return (added, removed, shown, after);
    }
}
