using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Formation.Catalog.Contracts;
using Formation.Search.Analysis;
using Formation.Search.Indexing;
using Formation.Search.Querying;
using Formation.Shell.Tenancy;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Formation.Benchmarks.Measuring;

public sealed class QueryFigures(BenchmarkQuery query)
{
    public BenchmarkQuery Query { get; } = query;
    public int Total { get; set; }
    public int ResponseBytes { get; set; }
    public Latency Http { get; } = new();
    public Latency Raw { get; } = new();
    // Where the time of SearchIndex.Search goes, step by step on a reader of the same index.
    public Latency Parse { get; } = new();
    /// <summary>The one pass: top 20 and facet counts together.</summary>
    public Latency Pass { get; } = new();
    public Latency Highlights { get; } = new();
    /// <summary>Diagnostics: matching alone (text and curation, counted, no facets, no scoring kept), the top 20 alone (no facets), the curation evaluated without the cached filter, the pass tolerating typos (run when the exact words find fewer than 20 modules).</summary>
    public Latency MatchPass { get; } = new();
    public Latency TopHits { get; } = new();
    public Latency CurationFilter { get; } = new();
    public Latency TolerantPass { get; } = new();
    public long? PostgresTotal { get; set; }
    public Latency PostgresTop { get; } = new();
    public Latency PostgresFull { get; } = new();
}

public sealed record PageFigures(string Name, string Path, int Bytes, Latency Latency);

public sealed class RoundFigures(int number)
{
    public int Number { get; } = number;
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public List<QueryFigures> Queries { get; } = [];
    public List<PageFigures> Pages { get; } = [];
    public Latency Curation { get; } = new();
    public Latency NewestModules { get; } = new();
    public Latency Overview { get; } = new();
}

/// <summary>
/// One round of the search benchmark, in this process: every query through HTTP (<c>/api/search</c> of the Département
/// portal, through Kestrel on 127.0.0.1) and on <see cref="SearchIndex.Search"/> directly, interleaved so that both see
/// the same machine load; then where the index's time goes; then the same queries on PostgreSQL.
/// </summary>
public sealed class SearchBenchmark : IDisposable
{
    public const string PortalId = "departement";
    public const string PortalHost = "departement.localhost";

    private readonly IServiceProvider _services;
    private readonly Options _options;
    private readonly TextWriter _log;
    private readonly HttpClient _client;
    private readonly SearchIndex _index;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    public SearchBenchmark(Hosting.BenchmarkHost host, Options options, TextWriter log)
    {
        _services = host.Services;
        _options = options;
        _log = log;
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 1,
        }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _index = _services.GetRequiredService<SearchIndex>();
        _reader = DirectoryReader.Open(FSDirectory.Open(new DirectoryInfo(Path.Combine(host.DataPath, "search", "modules"))));
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    public int Segments => _reader.Leaves.Count;

    public async Task<CatalogCurationDto> CurationAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICatalogReader>().GetCurationAsync(PortalId);
    }

    public async Task<RoundFigures> RunAsync(int number, PostgresFullText? postgres)
    {
        var round = new RoundFigures(number) { LoadBefore = LoadAverage() };
        var curation = await CurationAsync();
        var visibility = new ModuleVisibility(PortalId, curation);
        var searchBudget = new Budget(_options.Warmup, _options.Iterations, TimeSpan.FromSeconds(_options.SecondsPerMeasurement));

        foreach (var query in BenchmarkQuery.All)
        {
            var figures = new QueryFigures(query);
            var search = query.ToSearchQuery();
            var url = "/api/search?" + query.QueryString();
            var first = await GetAsync(url);
            using (var json = JsonDocument.Parse(first))
                figures.Total = json.RootElement.GetProperty("total").GetInt32();
            figures.ResponseBytes = first.Length;
            var raw = _index.Search(search, visibility);
            if (raw.Total != figures.Total) throw new InvalidOperationException($"{query.Name}: the API found {figures.Total}, the index {raw.Total}.");

            // HTTP and the index alternate, each first every other time, so that a busy moment hits both.
            for (var i = 0; i < _options.Warmup; i++) { _index.Search(search, visibility); await GetAsync(url); }
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < _options.Iterations && (i < searchBudget.MinimumIterations || watch.Elapsed.TotalSeconds < _options.SecondsPerMeasurement); i++)
            {
                if (i % 2 == 0) { await TimeHttp(); TimeRaw(); }
                else { TimeRaw(); await TimeHttp(); }
            }
            async Task TimeHttp() { var t = Stopwatch.GetTimestamp(); await GetAsync(url); figures.Http.Add(t); }
            void TimeRaw() { var t = Stopwatch.GetTimestamp(); _index.Search(search, visibility); figures.Raw.Add(t); }

            Breakdown(figures, search, visibility, new Budget(Math.Min(10, _options.Warmup), Math.Max(50, _options.Iterations / 2), TimeSpan.FromSeconds(_options.SecondsPerMeasurement / 2)));
            _log.WriteLine($"  {query.Name,-16} {figures.Total,7:N0} matches  HTTP p95 {Latency.Ms(figures.Http.P95),6} ms  index p95 {Latency.Ms(figures.Raw.P95),6} ms  ({figures.Http.Count} runs)");
            round.Queries.Add(figures);
        }

        await ComponentsAsync(round);
        await PagesAsync(round, new Budget(_options.Warmup, Math.Max(50, _options.Iterations / 2), TimeSpan.FromSeconds(_options.SecondsPerMeasurement)));

        if (postgres is not null)
        {
            await using var connection = new NpgsqlConnection(_options.PostgresConnectionString);
            await connection.OpenAsync();
            // PostgreSQL is much slower: fewer runs, bounded in time.
            var budget = new Budget(3, _options.Iterations, TimeSpan.FromSeconds(_options.SecondsPerPostgresMeasurement), MinimumIterations: 10);
            foreach (var figures in round.Queries)
            {
                var answer = await postgres.SearchAsync(connection, figures.Query, PortalId, curation, full: true);
                figures.PostgresTotal = answer.Total;
                await budget.RunAsync(figures.PostgresFull, () => postgres.SearchAsync(connection, figures.Query, PortalId, curation, full: true));
                await budget.RunAsync(figures.PostgresTop, () => postgres.SearchAsync(connection, figures.Query, PortalId, curation, full: false));
                _log.WriteLine($"  {figures.Query.Name,-16} {answer.Total,7:N0} matches  PostgreSQL p95 {Latency.Ms(figures.PostgresFull.P95),7} ms (top 20 + count only: {Latency.Ms(figures.PostgresTop.P95)} ms)");
            }
        }
        round.LoadAfter = LoadAverage();
        return round;
    }

    /// <summary>
    /// The steps of <see cref="SearchIndex.Search"/> timed one by one, as it performs them (same product types: TextQuery,
    /// VisibilityFilters, FacetCounter, HitHighlighter), on a reader of the same index; plus diagnostics.
    /// </summary>
    private void Breakdown(QueryFigures figures, SearchQuery query, ModuleVisibility visibility, Budget budget)
    {
        var synonyms = _services.GetRequiredService<SynonymStore>();
        var visibilityFilters = new VisibilityFilters();
        void Once(bool time)
        {
            var t = Stopwatch.GetTimestamp();
            var text = TextQuery.Parse(query.Text, synonyms.Current);
            var visible = visibilityFilters.For(visibility);
            if (time) figures.Parse.Add(t);

            t = Stopwatch.GetTimestamp();
            var (top, facets) = SearchIndex.Pass(_searcher, text, tolerant: false, visible, query);
            facets.Results();
            if (time) figures.Pass.Add(t);

            t = Stopwatch.GetTimestamp();
            var tolerant = facets.Total < SearchIndex.TypoToleranceBelow && text.Tolerant is not null;
            var highlighter = text.IsEmpty ? null : new HitHighlighter(text, _reader, tolerant);
            foreach (var scored in top.ScoreDocs.Skip((query.Page - 1) * SearchQuery.PageSize).Take(SearchQuery.PageSize))
            {
                var doc = _searcher.Doc(scored.Doc);
                _ = highlighter?.For(doc.Get(ModuleDocument.Title), doc.Get(ModuleDocument.Summary), doc.Get(ModuleDocument.Description));
            }
            if (time) figures.Highlights.Add(t);

            // Diagnostics, not steps of the search.
            t = Stopwatch.GetTimestamp();
            _searcher.Search(text.Query, visible, new TotalHitCountCollector());
            if (time) figures.MatchPass.Add(t);

            t = Stopwatch.GetTimestamp();
            var sort = query.Sort == SearchSort.Newest || text.IsEmpty
                ? new Sort(new SortField(ModuleDocument.Published, SortFieldType.INT64, reverse: true), SortField.FIELD_SCORE)
                : Sort.RELEVANCE;
            _searcher.Search(text.Query, visible, query.Page * SearchQuery.PageSize, sort);
            if (time) figures.TopHits.Add(t);

            t = Stopwatch.GetTimestamp();
            _searcher.Search(new ConstantScoreQuery(visibility.ToQuery()), new TotalHitCountCollector());
            if (time) figures.CurationFilter.Add(t);

            if (text.Tolerant is not null)
            {
                t = Stopwatch.GetTimestamp();
                SearchIndex.Pass(_searcher, text, tolerant: true, visible, query).Facets.Results();
                if (time) figures.TolerantPass.Add(t);
            }
        }
        for (var i = 0; i < budget.Warmup; i++) Once(time: false);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < budget.Iterations && (i < budget.MinimumIterations || watch.Elapsed < budget.TimeLimit); i++) Once(time: true);
    }

    /// <summary>What a request adds around the index: the curation read from the database, and the catalogue home's other parts.</summary>
    private async Task ComponentsAsync(RoundFigures round)
    {
        var budget = new Budget(_options.Warmup, Math.Max(50, _options.Iterations / 2), TimeSpan.FromSeconds(_options.SecondsPerMeasurement));
        var portal = (await _services.GetRequiredService<ITenantDirectory>().GetAllAsync()).Single(t => t.Id == PortalId);
        var newest = _index.Search(new SearchQuery { Sort = SearchSort.Newest }, new ModuleVisibility(PortalId, await CurationAsync())).Hits.Take(6).Select(h => Guid.Parse(h.Id)).ToList();
        await budget.RunAsync(round.Curation, async () =>
        {
            await using var scope = _services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ICatalogReader>().GetCurationAsync(PortalId);
        });
        await budget.RunAsync(round.NewestModules, async () =>
        {
            await using var scope = _services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ICatalogReader>().GetPublishedManyAsync(newest);
        });
        await budget.RunAsync(round.Overview, async () =>
        {
            await using var scope = _services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(portal);
            await scope.ServiceProvider.GetRequiredService<ICatalogOverview>().GetAsync(6);
        });
    }

    public static readonly IReadOnlyList<(string Name, string Path)> PagePaths =
    [
        ("catalogue home", "/formations"),
        ("search page", "/recherche?q=attachement"),
        ("search API", "/api/search?q=attachement"),
        ("bare page, size of the home (ceiling)", "/bench/bare"),
        ("bare page, size of the search page (ceiling)", "/bench/bare-large"),
    ];

    private async Task PagesAsync(RoundFigures round, Budget budget)
    {
        foreach (var (name, path) in PagePaths)
        {
            var bytes = (await GetAsync(path)).Length;
            var latency = new Latency();
            await budget.RunAsync(latency, () => GetAsync(path));
            round.Pages.Add(new PageFigures(name, path, bytes, latency));
        }
    }

    private async Task<byte[]> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = PortalHost;
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}
