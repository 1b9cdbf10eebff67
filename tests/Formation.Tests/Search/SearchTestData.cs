using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Formation.Catalog.Contracts;
using Formation.Search.Analysis;
using Formation.Search.Indexing;
using Formation.Search.Querying;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Formation.Tests.Search;

/// <summary>The catalogue's read side, in memory: what the Search module is given to index and to filter by curation.</summary>
public sealed class FakeCatalogReader : ICatalogReader
{
    private readonly ConcurrentDictionary<Guid, PublishedModule> _modules = new();
    private readonly ConcurrentDictionary<string, CatalogCurationDto> _curations = new();

    public PublishedModule Publish(PublishedModule module) => _modules[module.Id] = module;
    public void Unpublish(Guid id) => _modules.TryRemove(id, out _);
    public void SetCuration(string tenantId, CatalogCurationDto curation) => _curations[tenantId] = curation;

    public Task<PublishedModule?> GetPublishedAsync(Guid moduleId, CancellationToken ct = default) =>
        Task.FromResult(_modules.GetValueOrDefault(moduleId));

    public Task<PublishedModule?> GetLastPublishedAsync(Guid moduleId, CancellationToken ct = default) =>
        Task.FromResult(_modules.GetValueOrDefault(moduleId));

    public Task<IReadOnlyList<PublishedModule>> GetPublishedManyAsync(IReadOnlyList<Guid> moduleIds, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PublishedModule>>(moduleIds.Where(_modules.ContainsKey).Select(id => _modules[id]).ToList());

    public async IAsyncEnumerable<PublishedModule> StreamPublishedAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var module in _modules.Values) { await Task.Yield(); yield return module; }
    }

    public Task<CatalogCurationDto> GetCurationAsync(string tenantId, CancellationToken ct = default) =>
        Task.FromResult(_curations.GetValueOrDefault(tenantId, CatalogCurationDto.ShowAll));

    public IEnumerable<PublishedModule> All => _modules.Values;
}

public static class SearchTestData
{
    public const string Portal = "departement-test";

    public static PublishedModule Module(string title, string summary = "Un module de formation à distance.", string description = "<p>Contenu du module.</p>",
        string owner = TenantInfo.PlatformId, string[]? themes = null, string[]? professions = null, ModuleFormat format = ModuleFormat.Mooc,
        decimal hours = 3, long priceCents = 0, bool cpf = false, string? certification = null, int publishedDaysAgo = 0, string[]? objectives = null)
    {
        var id = Guid.NewGuid();
        return new PublishedModule
        {
            Id = id, VersionId = Guid.NewGuid(), VersionNumber = 1, OwnerTenantId = owner, Slug = "module-" + id.ToString("N")[..8],
            PublisherId = Guid.NewGuid(), PublisherName = "Institut de formation sociale",
            Title = title, Summary = summary, DescriptionHtml = description,
            Objectives = objectives ?? [], Themes = themes ?? ["management"], Professions = professions ?? ["cadre"],
            Format = format, DurationHours = hours, CpfEligible = cpf, CertificationCode = certification,
            CertificationKind = certification is null ? null : CertificationKind.Rs,
            Prices = priceCents == 0 ? ModulePrices.Free : new ModulePrices(priceCents, priceCents, priceCents * 10),
            PublishedUtc = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero).AddDays(-publishedDaysAgo),
        };
    }
}

/// <summary>A real index in a temporary data path, fed from a fake catalogue.</summary>
public sealed class SearchTestIndex : IDisposable
{
    public SearchTestIndex()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "formation-search-tests", Guid.NewGuid().ToString("N"));
        Paths = new AppPaths(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["App:DataPath"] = DataPath }).Build(),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        Synonyms = new SynonymStore(Paths, NullLogger<SynonymStore>.Instance);
        Index = new SearchIndex(Paths, Synonyms);
    }

    public string DataPath { get; }
    public AppPaths Paths { get; }
    public SynonymStore Synonyms { get; }
    public SearchIndex Index { get; private set; }
    public FakeCatalogReader Catalog { get; } = new();

    public async Task AddAsync(params PublishedModule[] modules)
    {
        foreach (var module in modules) Catalog.Publish(module);
        await Index.RebuildAsync(Catalog);
    }

    public SearchResults Search(string text = "", string tenant = SearchTestData.Portal, CatalogCurationDto? curation = null,
        SearchSort sort = SearchSort.Relevance, int page = 1, params (string Facet, string Value)[] filters) =>
        Index.Search(new SearchQuery
        {
            Text = text, Sort = sort, Page = page,
            Filters = filters.GroupBy(f => f.Facet).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(f => f.Value).ToHashSet()),
        }, new ModuleVisibility(tenant, curation ?? CatalogCurationDto.ShowAll));

    public IReadOnlyList<string> Titles(string text = "", string tenant = SearchTestData.Portal, CatalogCurationDto? curation = null, SearchSort sort = SearchSort.Relevance) =>
        Search(text, tenant, curation, sort).Hits.Select(h => h.Title).ToList();

    /// <summary>Closes and opens the index again, as a restart does.</summary>
    public void Reopen()
    {
        Index.Dispose();
        Index = new SearchIndex(Paths, Synonyms);
    }

    public void Dispose()
    {
        Index.Dispose();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}
