using Formation.Search.Indexing;
using Formation.Shell.Search;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Formation.Search.Querying;

/// <summary>
/// When each indexed document (not module) starts and stops being found. A document scheduled for later is indexed
/// at once and becomes findable at its time without reindexing: visibility is a query-time clause evaluated at "now".
/// To keep the per-portal visibility filters and result caches, "now" only counts through the latest window boundary
/// it has passed (<see cref="EpochAt"/>): between two boundaries, every document's visibility is the same.
/// </summary>
public sealed class DocumentWindows
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long From, long Until)> _byDocument = new();
    private readonly SortedDictionary<long, int> _boundaries = new();

    public void Set(SearchableDocument document) => Set(Indexing.DocumentFields.IdOf(document), document.VisibleFrom.UtcTicks, document.VisibleUntil?.UtcTicks ?? long.MaxValue);

    public void Set(string id, long from, long until)
    {
        lock (_lock)
        {
            RemoveLocked(id);
            _byDocument[id] = (from, until);
            Add(from, 1);
            Add(until, 1);
        }
    }

    public void Remove(string id) { lock (_lock) RemoveLocked(id); }

    /// <summary>Forgets every document of a source (its ids start with "{source}:").</summary>
    public void RemoveSource(string source)
    {
        var prefix = Indexing.DocumentFields.IdOf(source, "");
        lock (_lock)
            foreach (var id in _byDocument.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) RemoveLocked(id);
    }

    public bool Contains(string id) { lock (_lock) return _byDocument.ContainsKey(id); }

    public void Clear() { lock (_lock) { _byDocument.Clear(); _boundaries.Clear(); } }

    private void RemoveLocked(string id)
    {
        if (!_byDocument.Remove(id, out var window)) return;
        Add(window.From, -1);
        Add(window.Until, -1);
    }

    private void Add(long boundary, int count)
    {
        var now = _boundaries.GetValueOrDefault(boundary) + count;
        if (now <= 0) _boundaries.Remove(boundary);
        else _boundaries[boundary] = now;
    }

    /// <summary>The latest boundary at or before <paramref name="now"/> (long.MinValue before the first).</summary>
    public long EpochAt(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        lock (_lock)
        {
            var epoch = long.MinValue;
            foreach (var boundary in _boundaries.Keys)
            {
                if (boundary > ticks) break;
                epoch = boundary;
            }
            return epoch;
        }
    }
}

/// <summary>Which documents of other modules a portal finds: the features it has on, and the moment (as an epoch).</summary>
public sealed record DocumentScope(IReadOnlyList<string> Features, long Epoch)
{
    public static readonly DocumentScope None = new([], long.MinValue);

    public string CacheKey => string.Join(',', Features.Order(StringComparer.Ordinal)) + "@" + Epoch;

    /// <summary>
    /// Its documents or the platform's shared ones, of an enabled feature, inside their window at the epoch (a document
    /// starts at a boundary, so "from ≤ epoch" is "from ≤ now"; "until > epoch" likewise).
    /// </summary>
    public Query ToQuery(string tenantId)
    {
        var features = new BooleanQuery();
        foreach (var feature in Features) features.Add(new TermQuery(new Term(DocumentFields.Feature, feature)), Occur.SHOULD);
        var shared = new BooleanQuery
        {
            { new TermQuery(new Term(ModuleDocument.Owner, Formation.Shell.Tenancy.TenantInfo.PlatformId)), Occur.MUST },
            { new TermQuery(new Term(DocumentFields.Shared, "oui")), Occur.MUST },
        };
        var owners = new BooleanQuery { { new TermQuery(new Term(ModuleDocument.Owner, tenantId)), Occur.SHOULD }, { shared, Occur.SHOULD } };
        return new BooleanQuery
        {
            { new TermQuery(new Term(DocumentFields.Kind, DocumentFields.DocumentKind)), Occur.MUST },
            { features, Occur.MUST },
            { owners, Occur.MUST },
            { NumericRangeQuery.NewInt64Range(DocumentFields.From, null, Epoch, true, true), Occur.MUST },
            { NumericRangeQuery.NewInt64Range(DocumentFields.Until, Epoch, null, false, true), Occur.MUST },
        };
    }
}
