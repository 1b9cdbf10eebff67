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
using Microsoft.Extensions.Configuration;
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
    private readonly SearchResultCache _results;
    private readonly FileStream _processLock;
    private readonly Microsoft.AspNetCore.OutputCaching.IOutputCacheStore? _pages;

    /// <param name="configuration"><c>Search:ResultCacheSize</c>: searches whose results are kept (500; 0 keeps none).</param>
    /// <param name="pages">Cached pages (catalogue home, search results) are dropped after each change searches see.</param>
    public SearchIndex(AppPaths paths, SynonymStore synonyms, IConfiguration? configuration = null, Microsoft.AspNetCore.OutputCaching.IOutputCacheStore? pages = null)
    {
        _synonyms = synonyms;
        _pages = pages;
        _results = new SearchResultCache(configuration?.GetValue<int?>("Search:ResultCacheSize") ?? SearchResultCache.DefaultSize);
        var folder = paths.Folder("search", "modules");
        // Lucene.Net's write.lock does not keep other processes out on Linux: an OS lock held while open does.
        try { _processLock = new FileStream(Path.Combine(folder, "formation.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException ex) { throw new LockObtainFailedException($"The search index {folder} is open in another process.", ex); }
        _directory = FSDirectory.Open(new DirectoryInfo(folder));
        // An index written in an older format is rebuilt at start like a missing one (stale documents are dropped then).
        IsNew = !DirectoryReader.IndexExists(_directory) || FormatOf(_directory) != Format;
        var analyzer = new PerFieldAnalyzerWrapper(FrenchText.Stemmed, new Dictionary<string, Lucene.Net.Analysis.Analyzer>
        {
            [ModuleDocument.Plain] = FrenchText.Plain, [ModuleDocument.Pairs] = FrenchText.Pairs,
        });
        _writer = new IndexWriter(_directory, new IndexWriterConfig(FrenchText.Version, analyzer) { Similarity = Similarity });
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new WarmingSearcherFactory(_visibilityFilters));
        if (!IsNew) LoadWindows();
    }

    /// <summary>Changes when documents are indexed differently: an index of another format is rebuilt at start.</summary>
    public const string Format = "2";
    private const string FormatKey = "formation.format";

    private static string? FormatOf(Directory directory)
    {
        var infos = new SegmentInfos();
        infos.Read(directory);
        return infos.UserData.TryGetValue(FormatKey, out var format) ? format : null;
    }

    /// <summary>The time windows of the documents already in the index (a restart).</summary>
    private void LoadWindows()
    {
        var searcher = _searchers.Acquire();
        try
        {
            var fields = new HashSet<string> { ModuleDocument.Id, DocumentFields.From, DocumentFields.Until };
            var top = searcher.Search(new TermQuery(new Term(DocumentFields.Kind, DocumentFields.DocumentKind)), Math.Max(1, searcher.IndexReader.MaxDoc));
            foreach (var scored in top.ScoreDocs)
            {
                var doc = searcher.Doc(scored.Doc, fields);
                Windows.Set(doc.Get(ModuleDocument.Id), long.Parse(doc.Get(DocumentFields.From)), long.Parse(doc.Get(DocumentFields.Until)));
            }
        }
        finally { _searchers.Release(searcher); }
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

    public Task DeleteDocumentAsync(string source, string key, CancellationToken ct = default)
    {
        var id = DocumentFields.IdOf(source, key);
        return WriteAsync(() => _writer.DeleteDocuments(new Term(ModuleDocument.Id, id)), ct, () => Windows.Remove(id));
    }

    /// <summary>A document of another module (resource, article…): see <see cref="DocumentFields"/>.</summary>
    public Task UpsertAsync(Formation.Shell.Search.SearchableDocument document, CancellationToken ct = default) =>
        WriteAsync(() => _writer.UpdateDocument(new Term(ModuleDocument.Id, DocumentFields.IdOf(document)), DocumentFields.ToDocument(document)), ct, () => Windows.Set(document));

    /// <summary>
    /// Replaces every document of a source with the ones streamed now, in one commit: searches see the previous set
    /// until the new one is complete. A failure while streaming leaves the previous set.
    /// </summary>
    public async Task<int> ReplaceSourceAsync(string source, IAsyncEnumerable<Formation.Shell.Search.SearchableDocument> documents, CancellationToken ct = default)
    {
        var built = new List<(Formation.Shell.Search.SearchableDocument Source, Lucene.Net.Documents.Document Indexed)>();
        await foreach (var document in documents.WithCancellation(ct))
            if (document.Source == source) built.Add((document, DocumentFields.ToDocument(document)));
        await WriteAsync(() =>
        {
            _writer.DeleteDocuments(new BooleanQuery
            {
                { new TermQuery(new Term(DocumentFields.Kind, DocumentFields.DocumentKind)), Occur.MUST },
                { new TermQuery(new Term(SearchFacets.Source.Name, source)), Occur.MUST },
            });
            foreach (var (_, indexed) in built) _writer.AddDocument(indexed);
        }, ct, () =>
        {
            Windows.RemoveSource(source);
            foreach (var (document, _) in built) Windows.Set(document);
        });
        return built.Count;
    }

    /// <summary>The time windows of the indexed documents, for their visibility (<see cref="Querying.DocumentWindows"/>).</summary>
    public Querying.DocumentWindows Windows { get; } = new();

    /// <summary>
    /// Re-indexes every published module from the catalogue, then drops the ones no longer published. Searches see the
    /// previous index until the end; an interrupted rebuild leaves it partly refreshed, never emptied.
    /// </summary>
    public async Task<int> RebuildAsync(ICatalogReader catalog, CancellationToken ct = default, IEnumerable<Formation.Shell.Search.ISearchableSource>? sources = null)
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
            var documents = published.Count;
            Windows.Clear();
            foreach (var source in sources ?? [])
                await foreach (var document in source.StreamAsync(ct))
                {
                    _writer.UpdateDocument(new Term(ModuleDocument.Id, DocumentFields.IdOf(document)), DocumentFields.ToDocument(document));
                    Windows.Set(document);
                    published.Add(DocumentFields.IdOf(document));
                }
            foreach (var id in IndexedIds().Where(id => !published.Contains(id)))
                _writer.DeleteDocuments(new Term(ModuleDocument.Id, id));
            // One segment searches fastest; later publications add small segments, merged as usual.
            _writer.ForceMerge(1);
            Publish();
            return documents;
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

    /// <param name="published">Runs once searches see the change (a document's window counts only then).</param>
    private async Task WriteAsync(Action change, CancellationToken ct, Action? published = null)
    {
        await _writing.WaitAsync(ct);
        try { change(); Publish(); published?.Invoke(); }
        finally { _writing.Release(); }
    }

    /// <summary>Commits (durable) and reopens the searchers (visible).</summary>
    private void Publish()
    {
        _writer.SetCommitData(new Dictionary<string, string> { [FormatKey] = Format });
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
        Interlocked.Increment(ref _version);
        // The in-memory store evicts at once (the task is already complete).
        _pages?.EvictByTagAsync(Formation.Shell.Web.AnonymousPageCache.AllPagesTag, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Fewer exact matches than this (one page) and the search is run again tolerating typos.</summary>
    public const int TypoToleranceBelow = SearchQuery.PageSize;

    private static readonly ISet<string> DisplayedFields = new HashSet<string>
    {
        ModuleDocument.Id, ModuleDocument.Owner, ModuleDocument.Slug, ModuleDocument.Title, ModuleDocument.Summary, ModuleDocument.Description,
        DocumentFields.Url, DocumentFields.Kind, DocumentFields.Source, DocumentFields.ExternalUrl,
    };

    /// <summary>
    /// One page of the modules <paramref name="visibility"/> lets the portal show, with facet counts and highlights.
    /// The same search on the same index version, synonyms and curation is answered from <see cref="SearchResultCache"/>.
    /// </summary>
    public SearchResults Search(SearchQuery query, ModuleVisibility visibility)
    {
        var synonyms = _synonyms.Current;
        // Read before searching: results kept under this version are at least this recent.
        var generation = new SearchResultCache.Generation(Version, synonyms);
        var key = SearchResultCache.KeyOf(query, visibility);
        if (_results.Find(generation, key) is { } cached) return cached;

        var text = TextQuery.Parse(query.Text, synonyms);
        var visible = _visibilityFilters.For(visibility);
        var searcher = _searchers.Acquire();
        try
        {
            var (top, facets) = Pass(searcher, text, tolerant: false, visible, query);
            var tolerant = facets.Total < TypoToleranceBelow && text.Tolerant is not null;
            if (tolerant) (top, facets) = Pass(searcher, text, tolerant: true, visible, query);
            var highlighter = text.IsEmpty ? null : new HitHighlighter(text, searcher.IndexReader, tolerant);
            var hits = top.ScoreDocs.Skip((query.Page - 1) * SearchQuery.PageSize).Take(SearchQuery.PageSize).Select(scored =>
            {
                var doc = searcher.Doc(scored.Doc, DisplayedFields);
                var (title, summary) = (doc.Get(ModuleDocument.Title), doc.Get(ModuleDocument.Summary));
                var isDocument = doc.Get(DocumentFields.Kind) == DocumentFields.DocumentKind;
                return new SearchHit(doc.Get(ModuleDocument.Id), doc.Get(ModuleDocument.Slug), title, summary,
                    isDocument ? doc.Get(DocumentFields.Source) : doc.Get(ModuleDocument.Owner) == Formation.Shell.Tenancy.TenantInfo.PlatformId ? ModuleSources.Platform : ModuleSources.Portal,
                    highlighter?.For(title, summary, doc.Get(ModuleDocument.Description))
                        ?? new SearchHighlights(HitHighlighter.Escape(title), HitHighlighter.Escape(summary)),
                    isDocument ? doc.Get(DocumentFields.Url) : null)
                { ExternalUrl = isDocument ? doc.Get(DocumentFields.ExternalUrl) : null };
            }).ToList();
            var results = new SearchResults(facets.Total, query.Page, hits, facets.Results());
            _results.Keep(generation, key, results);
            return results;
        }
        catch (BooleanQuery.TooManyClausesException)
        {
            throw new ValidationFailedException("q", "La recherche est trop large : précisez les mots cherchés.");
        }
        finally { _searchers.Release(searcher); }
    }

    /// <summary>By relevance, the best matches this many at least are ranked again by their title.</summary>
    public const int TitleRescoreDepth = 100;

    /// <summary>
    /// One pass over the documents the text matches and the portal shows: facet counts, total and the top of the
    /// requested page together (the documents failing a facet filter only count for the facets). By relevance, the
    /// best <see cref="TitleRescoreDepth"/> are then ranked again with their title's match added (three times): the
    /// searched text gives the title more weight already, and this sets a short, exact title above a longer one.
    /// </summary>
    public static (TopDocs Top, FacetCounter Facets) Pass(IndexSearcher searcher, TextQuery textQuery, bool tolerant, Filter visible, SearchQuery query)
    {
        var text = tolerant ? textQuery.Tolerant ?? textQuery.Query : textQuery.Query;
        var sort = SortOf(query.Sort, textQuery.IsEmpty);
        var size = query.Page * SearchQuery.PageSize;
        if (sort == Sort.RELEVANCE) size = Math.Max(size, TitleRescoreDepth);
        // Not in order: the collectors then also accept the faster out-of-order scorers.
        ITopDocsCollector top = sort == Sort.RELEVANCE
            ? TopScoreDocCollector.Create(size, docsScoredInOrder: false)
            : TopFieldCollector.Create(sort, size, fillFields: false, trackDocScores: false, trackMaxScore: false, docsScoredInOrder: false);
        var facets = new FacetCounter(query, top);
        searcher.Search(text, visible, facets);
        var found = top.GetTopDocs();
        if (sort == Sort.RELEVANCE && found.ScoreDocs.Length > 1)
            RankByTitle(searcher, found.ScoreDocs, textQuery.Titles);
        return (found, facets);
    }

    /// <summary>
    /// Adds <see cref="ModuleDocument.TitleBoost"/> times the title's score to each hit's, then sorts them again (ties in
    /// document order). Lucene's QueryRescorer does the same but fails on a segment the query matches nothing in.
    /// </summary>
    private static void RankByTitle(IndexSearcher searcher, ScoreDoc[] hits, Query titles)
    {
        var weight = searcher.CreateNormalizedWeight(titles);
        var leaves = searcher.IndexReader.Leaves;
        var byDoc = hits.OrderBy(h => h.Doc).ToArray();
        var (leaf, scorer) = (-1, (Scorer?)null);
        foreach (var hit in byDoc)
        {
            var current = ReaderUtil.SubIndex(hit.Doc, leaves);
            if (current != leaf)
            {
                leaf = current;
                scorer = weight.GetScorer(leaves[leaf], leaves[leaf].AtomicReader.LiveDocs);
            }
            if (scorer is null) continue;
            var target = hit.Doc - leaves[leaf].DocBase;
            var at = scorer.DocID < target ? scorer.Advance(target) : scorer.DocID;
            if (at == target) hit.Score += (float)(ModuleDocument.TitleBoost * scorer.GetScore());
        }
        Array.Sort(hits, (a, b) => b.Score.CompareTo(a.Score) is var order && order != 0 ? order : a.Doc.CompareTo(b.Doc));
    }

    private static readonly string[] SortedFields = [ModuleDocument.Published, ModuleDocument.DurationMinutes, ModuleDocument.IndividualPrice];

    /// <summary>Relevance by default (newest first when there is no text to rank by); ties keep relevance order.</summary>
    private static Sort SortOf(SearchSort sort, bool noText)
    {
        // Without text every score is the same: no tie-break by relevance to compute for each document.
        Sort By(string field, bool reverse = false) => noText
            ? new Sort(SortValues.Field(field, reverse))
            : new Sort(SortValues.Field(field, reverse), SortField.FIELD_SCORE);
        return (sort == SearchSort.Relevance && noText ? SearchSort.Newest : sort) switch
        {
            SearchSort.Newest => By(ModuleDocument.Published, reverse: true),
            SearchSort.Duration => By(ModuleDocument.DurationMinutes),
            SearchSort.Price => By(ModuleDocument.IndividualPrice),
            _ => Sort.RELEVANCE,
        };
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _processLock.Dispose();
        _writing.Dispose();
    }

    /// <summary>
    /// BM25 searchers, warmed before searches see them: each new segment's facet values and sort values are read, and
    /// the portals' visibility filters computed, here (at startup and after a change) rather than by the first search.
    /// </summary>
    private sealed class WarmingSearcherFactory(VisibilityFilters visibilityFilters) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader)
        {
            foreach (var leaf in reader.Leaves)
            {
                SegmentFacets.Of(leaf.AtomicReader);
                foreach (var field in SortedFields) SortValues.Of(leaf.AtomicReader, field);
            }
            visibilityFilters.Warm(reader);
            return new IndexSearcher(reader) { Similarity = Similarity };
        }
    }
}
