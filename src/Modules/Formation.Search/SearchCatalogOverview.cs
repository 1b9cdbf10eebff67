using Formation.Catalog.Contracts;
using Formation.Search.Indexing;
using Formation.Search.Querying;
using Formation.Shell.Tenancy;

namespace Formation.Search;

/// <summary>
/// The catalogue home's figures answered by the index (one search with facet counts) instead of loading every module:
/// replaces the catalogue's database implementation when the search module is present.
/// </summary>
public sealed class SearchCatalogOverview(SearchIndex index, ICatalogReader catalog, TenantContext tenant) : ICatalogOverview
{
    public async Task<CatalogOverview> GetAsync(int newest, CancellationToken ct = default)
    {
        var portal = tenant.Required.Id;
        var visibility = new ModuleVisibility(portal, await catalog.GetCurationAsync(portal, ct));
        var results = index.Search(new SearchQuery { Sort = SearchSort.Newest }, visibility);
        var modules = await catalog.GetPublishedManyAsync(results.Hits.Take(newest).Select(h => h.Id).ToList(), ct);
        return new CatalogOverview(results.Total, modules, Counts(results, SearchFacets.Theme), Counts(results, SearchFacets.Profession));
    }

    private static IReadOnlyDictionary<string, int> Counts(SearchResults results, SearchFacet facet) =>
        results.Facets.Single(f => f.Facet == facet).Values.Where(v => v.Count > 0).ToDictionary(v => v.Value, v => v.Count);
}
