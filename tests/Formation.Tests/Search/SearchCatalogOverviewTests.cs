using Formation.Catalog.Contracts;
using Formation.Search;
using Formation.Shell.Tenancy;
using static Formation.Tests.Search.SearchTestData;

namespace Formation.Tests.Search;

/// <summary>The catalogue home's figures from the index: kept between requests, never staler than the index or the curation.</summary>
public sealed class SearchCatalogOverviewTests : IDisposable
{
    private readonly SearchTestIndex _search = new();
    private readonly CatalogOverviewCache _cache = new();

    public void Dispose() => _search.Dispose();

    private Task<CatalogOverview> OverviewAsync(string portal = Portal)
    {
        var tenant = new TenantContext();
        tenant.Set(new TenantInfo { Id = portal, Name = portal });
        return new SearchCatalogOverview(_search.Index, _search.Catalog, tenant, _cache).GetAsync(newest: 6);
    }

    [Fact]
    public async Task The_figures_are_kept_until_a_publication_changes_the_index()
    {
        await _search.AddAsync(Module("Accueillir des mineurs non accompagnés", themes: ["mna"], publishedDaysAgo: 10));
        var first = await OverviewAsync();
        Assert.Same(first, await OverviewAsync());
        Assert.Equal(1, first.Total);

        var published = Module("Théorie de l'attachement", themes: ["attachement"]);
        _search.Catalog.Publish(published);
        await _search.Index.UpsertAsync(published);
        var second = await OverviewAsync();
        Assert.Equal(2, second.Total);
        Assert.Equal(published.Id, second.Newest[0].Id);
        Assert.Equal(1, second.ByTheme["attachement"]);

        await _search.Index.DeleteAsync(published.Id);
        Assert.Equal(1, (await OverviewAsync()).Total);
    }

    [Fact]
    public async Task A_curation_change_applies_at_once_and_portals_keep_their_own_figures()
    {
        await _search.AddAsync(Module("Accueillir des mineurs non accompagnés", themes: ["mna"]), Module("Théorie de l'attachement", themes: ["attachement"]));
        Assert.Equal(2, (await OverviewAsync()).Total);
        Assert.Equal(2, (await OverviewAsync("autre-portail")).Total);

        _search.Catalog.SetCuration(Portal, new CatalogCurationDto(CurationMode.Rules, ["mna"], [], []));
        var curated = await OverviewAsync();
        Assert.Equal(1, curated.Total);
        Assert.Equal(["mna"], curated.ByTheme.Keys);
        Assert.Equal(2, (await OverviewAsync("autre-portail")).Total);
    }
}
