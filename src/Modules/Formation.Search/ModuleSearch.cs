using Formation.Catalog.Contracts;
using Formation.Search.Analysis;
using Formation.Search.Data;
using Formation.Search.Indexing;
using Formation.Search.Querying;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Formation.Search;

/// <summary>
/// The search use case of the current portal, shared by the page and the API: limits the index to what the portal
/// shows (its curation), searches, and counts searches that found nothing.
/// </summary>
public sealed class ModuleSearch(SearchIndex index, ICatalogReader catalog, TenantContext tenant, SearchDbContext db, TimeProvider time, ILogger<ModuleSearch> logger,
    Formation.Shell.Modules.FeatureService features, IEnumerable<Formation.Shell.Search.SearchableSourceFeature> documentFeatures)
{
    /// <exception cref="Formation.Shell.Validation.ValidationFailedException">The text cannot be searched (French message).</exception>
    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken ct = default)
    {
        var portal = tenant.Required.Id;
        // Other modules' documents (resources…) when their feature is on here, as they stand at this moment.
        var enabled = documentFeatures.Select(f => f.FeatureId).Distinct().Where(f => features.IsEnabled(tenant.Required, f)).ToList();
        var documents = enabled.Count == 0 ? null : new DocumentScope(enabled, index.Windows.EpochAt(time.GetUtcNow()));
        var visibility = new ModuleVisibility(portal, await catalog.GetCurationAsync(portal, ct), documents);
        var results = index.Search(query, visibility);
        // Only unfiltered searches tell of a need: with filters, nothing found may just mean "not in that format".
        if (results.Total == 0 && query.Filters.Count == 0 && FrenchText.Normalise(query.Text) is { Length: > 0 } text)
            await RecordZeroResultAsync(text.Length > ZeroResultQuery.MaxQueryLength ? text[..ZeroResultQuery.MaxQueryLength] : text, ct);
        return results;
    }

    private async Task RecordZeroResultAsync(string text, CancellationToken ct)
    {
        // Two tries: a concurrent first search of the same text may insert the row between our read and our insert.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var now = time.GetUtcNow();
                var row = await db.ZeroResultQueries.FirstOrDefaultAsync(q => q.Query == text, ct);
                if (row is null) db.ZeroResultQueries.Add(row = new ZeroResultQuery { Query = text, FirstSeenUtc = now });
                row.Count++;
                row.LastSeenUtc = now;
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException ex)
            {
                db.ChangeTracker.Clear();
                if (attempt == 2) { logger.LogWarning(ex, "Recherche sans résultat non comptée : {Query}", text); return; }
            }
        }
    }
}
