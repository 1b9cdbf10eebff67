using Formation.Search.Indexing;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Formation.Search.Querying;

/// <summary>
/// Counts facet values over the documents of a query (text and portal visibility, without facet filters), in one pass,
/// "drill-sideways": a document counts for a facet when it passes the filters of every other facet. So a selected
/// theme keeps its sibling themes' counts (one can widen the choice), while the other facets narrow to the selection.
/// Values are read from each segment's sorted-set doc values (ordinals), then named once per segment.
/// </summary>
public sealed class FacetCounter(IReadOnlyList<SearchFacet> facets, SearchQuery query) : ICollector
{
    private readonly Dictionary<string, Dictionary<string, int>> _counts = facets.ToDictionary(f => f.Name, _ => new Dictionary<string, int>());
    private readonly SortedSetDocValues?[] _values = new SortedSetDocValues?[facets.Count];
    private readonly HashSet<long>?[] _selectedOrdinals = new HashSet<long>?[facets.Count];
    private readonly Dictionary<long, int>[] _segmentCounts = facets.Select(_ => new Dictionary<long, int>()).ToArray();

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) { }

    public void SetNextReader(AtomicReaderContext context)
    {
        NameSegmentCounts();
        for (var f = 0; f < facets.Count; f++)
        {
            var values = context.AtomicReader.GetSortedSetDocValues(facets[f].Name);
            _values[f] = values;
            var selected = query.Selected(facets[f].Name);
            _selectedOrdinals[f] = selected.Count == 0 ? null
                : selected.Select(v => values?.LookupTerm(new BytesRef(v)) ?? -1).Where(o => o >= 0).ToHashSet();
        }
    }

    public void Collect(int doc)
    {
        // The one facet whose filter this document fails, if exactly one: it counts for that facet only.
        var failed = -1;
        for (var f = 0; f < facets.Count; f++)
        {
            if (_selectedOrdinals[f] is not { } selected || Ordinals(f, doc).Any(selected.Contains)) continue;
            if (failed >= 0) return;
            failed = f;
        }
        for (var f = 0; f < facets.Count; f++)
            if (failed < 0 || failed == f)
                foreach (var ordinal in Ordinals(f, doc))
                    _segmentCounts[f][ordinal] = _segmentCounts[f].GetValueOrDefault(ordinal) + 1;
    }

    private IEnumerable<long> Ordinals(int facet, int doc)
    {
        if (_values[facet] is not { } values) yield break;
        values.SetDocument(doc);
        for (var ordinal = values.NextOrd(); ordinal != SortedSetDocValues.NO_MORE_ORDS; ordinal = values.NextOrd())
            yield return ordinal;
    }

    private void NameSegmentCounts()
    {
        var name = new BytesRef();
        for (var f = 0; f < facets.Count; f++)
        {
            foreach (var (ordinal, count) in _segmentCounts[f])
            {
                _values[f]!.LookupOrd(ordinal, name);
                var value = name.Utf8ToString();
                _counts[facets[f].Name][value] = _counts[facets[f].Name].GetValueOrDefault(value) + count;
            }
            _segmentCounts[f].Clear();
        }
    }

    /// <summary>Each facet's values by count (then label); selected values stay listed even at zero.</summary>
    public IReadOnlyList<FacetResult> Results()
    {
        NameSegmentCounts();
        return facets.Select(facet =>
        {
            var counts = _counts[facet.Name];
            var selected = query.Selected(facet.Name);
            foreach (var value in selected) counts.TryAdd(value, 0);
            var values = counts
                .Select(c => new FacetValue(c.Key, facet.LabelOf(c.Key), c.Value, selected.Contains(c.Key)))
                .OrderByDescending(v => v.Count).ThenBy(v => v.Label, StringComparer.Create(new System.Globalization.CultureInfo("fr-FR"), true))
                .ToList();
            return new FacetResult(facet, values);
        }).ToList();
    }
}
