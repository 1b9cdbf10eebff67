using Formation.Catalog.Contracts;
using Formation.Search.Analysis;
using Formation.Search.Querying;
using Formation.Shell.Data;
using Formation.Shell.Validation;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Directory = Lucene.Net.Store.Directory;

namespace Formation.Search.Indexing;

/// <summary>
/// The index of published modules under <c>{App:DataPath}/search/modules</c>: one <see cref="IndexWriter"/> and a
/// <see cref="SearcherManager"/> reopened (near-real-time) after each change. Thread-safe: searches run in parallel
/// on a stable snapshot; changes are serialised, so a rebuild never interleaves with an update.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    private static readonly Similarity Similarity = new BM25Similarity();
    private readonly Directory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SynonymStore _synonyms;
    private readonly VisibilityFilters _visibilityFilters = new();
    private readonly FileStream _processLock;

    public SearchIndex(AppPaths paths, SynonymStore synonyms)
    {
        _synonyms = synonyms;
        var folder = paths.Folder("search", "modules");
        // Lucene.Net's write.lock does not keep other processes out on Linux: an OS lock held while open does.
        try { _processLock = new FileStream(Path.Combine(folder, "formation.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException ex) { throw new LockObtainFailedException($"The search index {folder} is open in another process.", ex); }
        _directory = FSDirectory.Open(new DirectoryInfo(folder));
        IsNew = !DirectoryReader.IndexExists(_directory);
        var analyzer = new PerFieldAnalyzerWrapper(FrenchText.Stemmed, new Dictionary<string, Lucene.Net.Analysis.Analyzer> { [ModuleDocument.Plain] = FrenchText.Plain });
        _writer = new IndexWriter(_directory, new IndexWriterConfig(FrenchText.Version, analyzer) { Similarity = Similarity });
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new BM25SearcherFactory());
    }

    /// <summary>No index was on disk when this opened: it needs a rebuild from the catalogue.</summary>
    public bool IsNew { get; }

    private long _version;

    /// <summary>Grows each time a change becomes visible to searches: what was computed from an older version may be stale.</summary>
    public long Version => Interlocked.Read(ref _version);

    public Task UpsertAsync(PublishedModule module, CancellationToken ct = default) =>
        WriteAsync(() => _writer.UpdateDocument(ModuleDocument.IdTerm(module.Id), ModuleDocument.From(module)), ct);

    public Task DeleteAsync(Guid moduleId, CancellationToken ct = default) =>
        WriteAsync(() => _writer.DeleteDocuments(ModuleDocument.IdTerm(moduleId)), ct);

    /// <summary>
    /// Re-indexes every published module from the catalogue, then drops the ones no longer published. Searches see the
    /// previous index until the end; an interrupted rebuild leaves it partly refreshed, never emptied.
    /// </summary>
    public async Task<int> RebuildAsync(ICatalogReader catalog, CancellationToken ct = default)
    {
        await _writing.WaitAsync(ct);
        try
        {
            var published = new HashSet<string>();
            await foreach (var module in catalog.StreamPublishedAsync(ct))
            {
                _writer.UpdateDocument(ModuleDocument.IdTerm(module.Id), ModuleDocument.From(module));
                published.Add(module.Id.ToString("D"));
            }
            foreach (var id in IndexedIds().Where(id => !published.Contains(id)))
                _writer.DeleteDocuments(new Term(ModuleDocument.Id, id));
            Publish();
            return published.Count;
        }
        finally { _writing.Release(); }
    }

    private List<string> IndexedIds()
    {
        var searcher = _searchers.Acquire();
        try
        {
            var ids = new List<string>();
            var terms = MultiFields.GetTerms(searcher.IndexReader, ModuleDocument.Id)?.GetEnumerator();
            while (terms is not null && terms.MoveNext()) ids.Add(terms.Term.Utf8ToString());
            return ids;
        }
        finally { _searchers.Release(searcher); }
    }

    private async Task WriteAsync(Action change, CancellationToken ct)
    {
        await _writing.WaitAsync(ct);
        try { change(); Publish(); }
        finally { _writing.Release(); }
    }

    /// <summary>Commits (durable) and reopens the searchers (visible).</summary>
    private void Publish()
    {
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
        Interlocked.Increment(ref _version);
    }

    /// <summary>One page of the modules <paramref name="visibility"/> lets the portal show, with facet counts and highlights.</summary>
    public SearchResults Search(SearchQuery query, ModuleVisibility visibility)
    {
        var text = TextQuery.Parse(query.Text, _synonyms.Current);
        var visible = _visibilityFilters.For(visibility);
        var filtered = new BooleanQuery { { new ConstantScoreQuery(visible), Occur.MUST } };
        foreach (var (facet, values) in query.Filters)
        {
            var any = new BooleanQuery();
            foreach (var value in values) any.Add(new TermQuery(new Term(facet, value)), Occur.SHOULD);
            filtered.Add(any, Occur.MUST);
        }

        var searcher = _searchers.Acquire();
        try
        {
            var top = searcher.Search(text.Query, query.Filters.Count == 0 ? visible : new QueryWrapperFilter(filtered), query.Page * SearchQuery.PageSize, SortOf(query.Sort, text));
            var facets = new FacetCounter(SearchFacets.All, query);
            searcher.Search(text.Query, visible, facets);
            var highlighter = text.IsEmpty ? null : new HitHighlighter(text, searcher.IndexReader);
            var hits = top.ScoreDocs.Skip((query.Page - 1) * SearchQuery.PageSize).Select(scored =>
            {
                var doc = searcher.Doc(scored.Doc);
                var (title, summary) = (doc.Get(ModuleDocument.Title), doc.Get(ModuleDocument.Summary));
                return new SearchHit(Guid.Parse(doc.Get(ModuleDocument.Id)), doc.Get(ModuleDocument.Slug), title, summary,
                    doc.Get(ModuleDocument.Owner) == Formation.Shell.Tenancy.TenantInfo.PlatformId ? ModuleSources.Platform : ModuleSources.Portal,
                    highlighter?.For(title, summary, doc.Get(ModuleDocument.Description))
                        ?? new SearchHighlights(HitHighlighter.Escape(title), HitHighlighter.Escape(summary)));
            }).ToList();
            return new SearchResults(top.TotalHits, query.Page, hits, facets.Results());
        }
        catch (BooleanQuery.TooManyClausesException)
        {
            throw new ValidationFailedException("q", "La recherche est trop large : précisez les mots cherchés.");
        }
        finally { _searchers.Release(searcher); }
    }

    /// <summary>Relevance by default (newest first when there is no text to rank by); ties keep relevance order.</summary>
    private static Sort SortOf(SearchSort sort, TextQuery text) => (sort == SearchSort.Relevance && text.IsEmpty ? SearchSort.Newest : sort) switch
    {
        SearchSort.Newest => new Sort(new SortField(ModuleDocument.Published, SortFieldType.INT64, reverse: true), SortField.FIELD_SCORE),
        SearchSort.Duration => new Sort(new SortField(ModuleDocument.DurationMinutes, SortFieldType.INT64), SortField.FIELD_SCORE),
        SearchSort.Price => new Sort(new SortField(ModuleDocument.IndividualPrice, SortFieldType.INT64), SortField.FIELD_SCORE),
        _ => Sort.RELEVANCE,
    };

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _processLock.Dispose();
        _writing.Dispose();
    }

    private sealed class BM25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Similarity };
    }
}
