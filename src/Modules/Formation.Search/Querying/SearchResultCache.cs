using Formation.Search.Analysis;

namespace Formation.Search.Querying;

/// <summary>
/// The results of the latest searches, least recently used out first: the same text, filters, sort and page on the same
/// portal curation give the same results until the index or the synonyms change (a new <see cref="Generation"/>, which
/// empties the cache). Popular searches and the pages people go back and forth between then cost no index work.
/// Results are immutable, so they are shared as they are.
/// </summary>
public sealed class SearchResultCache(int capacity)
{
    public const int DefaultSize = 500;

    /// <summary>What results depend on besides the query: the index version and the synonyms in use.</summary>
    public readonly record struct Generation(long IndexVersion, SynonymSet Synonyms);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, SearchResults Results)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, SearchResults Results)> _recency = new();
    private Generation? _generation;

    /// <summary>The text as typed, the filters in a fixed order, sort, page, and who sees what (portal and curation).</summary>
    public static string KeyOf(SearchQuery query, ModuleVisibility visibility) => string.Join('\n',
        visibility.CacheKey, query.Text, query.Sort, query.Page,
        string.Join('&', query.Filters.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + string.Join(',', f.Value.Order(StringComparer.Ordinal)))));

    public SearchResults? Find(Generation generation, string key)
    {
        if (capacity <= 0) return null;
        lock (_lock)
        {
            if (_generation != generation || !_entries.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Results;
        }
    }

    public void Keep(Generation generation, string key, SearchResults results)
    {
        if (capacity <= 0) return;
        lock (_lock)
        {
            if (_generation != generation)
            {
                // A search that started before a change finishes after it: its results belong to the past.
                if (_generation is { } current && current.IndexVersion > generation.IndexVersion) return;
                _entries.Clear();
                _recency.Clear();
                _generation = generation;
            }
            if (_entries.Remove(key, out var existing)) _recency.Remove(existing);
            _entries[key] = _recency.AddFirst((key, results));
            while (_entries.Count > capacity)
            {
                _entries.Remove(_recency.Last!.Value.Key);
                _recency.RemoveLast();
            }
        }
    }
}
