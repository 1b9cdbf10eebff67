using Formation.Catalog.Contracts;
using Formation.Search.Indexing;
using Formation.Search.Querying;
using Formation.Shell.Tenancy;

namespace Formation.Search;

/// <summary>
/// The catalogue home's figures answered by the index (one search with facet counts) instead of loading every module:
/// replaces the catalogue's database implementation when the search module is present. The figures only change when
/// the index or the portal's curation does, so they are kept (<see cref="CatalogOverviewCache"/>) until either changes:
/// counting facets over every module the portal shows costs hundreds of milliseconds at 200,000 modules.
/// </summary>
public sealed class SearchCatalogOverview(SearchIndex index, ICatalogReader catalog, TenantContext tenant, CatalogOverviewCache cache) : ICatalogOverview
{
    public async Task<CatalogOverview> GetAsync(int newest, CancellationToken ct = default)
    {
        var portal = tenant.Required.Id;
        var curation = await catalog.GetCurationAsync(portal, ct);
        // Read before searching: figures stored under this version are at least this recent.
        var version = index.Version;
        var visibility = new ModuleVisibility(portal, curation);
        var key = $"{newest}|{visibility.CacheKey}";
        if (cache.Find(portal, key, version) is { } cached) return cached;

        var results = index.Search(new SearchQuery { Sort = SearchSort.Newest }, visibility);
        var modules = await catalog.GetPublishedManyAsync(results.Hits.Take(newest).Select(h => Guid.Parse(h.Id)).ToList(), ct);
        var overview = new CatalogOverview(results.Total, modules, Counts(results, SearchFacets.Theme), Counts(results, SearchFacets.Profession));
        cache.Keep(portal, key, version, overview);
        return overview;
    }

    private static IReadOnlyDictionary<string, int> Counts(SearchResults results, SearchFacet facet) =>
        results.Facets.Single(f => f.Facet == facet).Values.Where(v => v.Count > 0).ToDictionary(v => v.Value, v => v.Count);
}

/// <summary>
/// The last catalogue-home figures of each portal, valid for one index version and one curation (singleton; one entry
/// per portal). A publication, a withdrawal or a rebuild changes the version; a curation change changes the key.
/// </summary>
public sealed class CatalogOverviewCache
{
    private sealed record Entry(string Key, long Version, CatalogOverview Overview);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _entries = new();

    public CatalogOverview? Find(string portal, string key, long version) =>
        _entries.TryGetValue(portal, out var entry) && entry.Key == key && entry.Version == version ? entry.Overview : null;

    public void Keep(string portal, string key, long version, CatalogOverview overview) =>
        _entries.AddOrUpdate(portal, _ => new Entry(key, version, overview), (_, current) => current.Version > version ? current : new Entry(key, version, overview));
}
