using Formation.Search.Indexing;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Formation.Search.Querying;

/// <summary>
/// Counts facet values over the documents of a query (text and portal visibility, without facet filters), in one pass,
/// "drill-sideways": a document counts for a facet when it passes the filters of every other facet. So a selected
/// theme keeps its sibling themes' counts (one can widen the choice), while the other facets narrow to the selection.
/// Values are read from each segment's sorted-set doc values (ordinals) and counted in arrays indexed by ordinal, then
/// named once per segment. Collecting a document allocates nothing: it runs for every match (over 100,000 at times).
/// </summary>
public sealed class FacetCounter : ICollector
{
    private static readonly StringComparer FrenchLabels = StringComparer.Create(new System.Globalization.CultureInfo("fr-FR"), ignoreCase: true);

    private readonly IReadOnlyList<SearchFacet> _facets;
    private readonly SearchQuery _query;
    private readonly Dictionary<string, int>[] _counts;
    private readonly SortedSetDocValues?[] _values;
    /// <summary>Per facet, in the current segment: selected ordinals (null when the facet has no filter) and counts by ordinal.</summary>
    private readonly bool[]?[] _selected;
    private readonly int[][] _segmentCounts;
    /// <summary>The current document's ordinals, per facet.</summary>
    private readonly long[][] _ordinals;
    private readonly int[] _ordinalCount;

    public FacetCounter(IReadOnlyList<SearchFacet> facets, SearchQuery query)
    {
        _facets = facets;
        _query = query;
        _counts = facets.Select(_ => new Dictionary<string, int>()).ToArray();
        _values = new SortedSetDocValues?[facets.Count];
        _selected = new bool[]?[facets.Count];
        _segmentCounts = facets.Select(_ => Array.Empty<int>()).ToArray();
        _ordinals = facets.Select(_ => new long[4]).ToArray();
        _ordinalCount = new int[facets.Count];
    }

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) { }

    public void SetNextReader(AtomicReaderContext context)
    {
        NameSegmentCounts();
        for (var f = 0; f < _facets.Count; f++)
        {
            var values = context.AtomicReader.GetSortedSetDocValues(_facets[f].Name);
            _values[f] = values;
            var valueCount = values is null ? 0 : checked((int)values.ValueCount);
            _segmentCounts[f] = new int[valueCount];
            var selected = _query.Selected(_facets[f].Name);
            if (selected.Count == 0) { _selected[f] = null; continue; }
            var ordinals = new bool[valueCount];
            foreach (var value in selected)
                if (values?.LookupTerm(new BytesRef(value)) is >= 0 and var ordinal) ordinals[ordinal] = true;
            _selected[f] = ordinals;
        }
    }

    public void Collect(int doc)
    {
        // The one facet whose filter this document fails, if exactly one: it counts for that facet only.
        var failed = -1;
        for (var f = 0; f < _facets.Count; f++)
        {
            ReadOrdinals(f, doc);
            if (_selected[f] is not { } selected || Passes(f, selected)) continue;
            if (failed >= 0) return;
            failed = f;
        }
        for (var f = 0; f < _facets.Count; f++)
        {
            if (failed >= 0 && failed != f) continue;
            var counts = _segmentCounts[f];
            var ordinals = _ordinals[f];
            for (var i = 0; i < _ordinalCount[f]; i++) counts[ordinals[i]]++;
        }
    }

    private void ReadOrdinals(int facet, int doc)
    {
        var count = 0;
        if (_values[facet] is { } values)
        {
            values.SetDocument(doc);
            var ordinals = _ordinals[facet];
            for (var ordinal = values.NextOrd(); ordinal != SortedSetDocValues.NO_MORE_ORDS; ordinal = values.NextOrd())
            {
                if (count == ordinals.Length) _ordinals[facet] = ordinals = ordinals.Concat(new long[ordinals.Length]).ToArray();
                ordinals[count++] = ordinal;
            }
        }
        _ordinalCount[facet] = count;
    }

    private bool Passes(int facet, bool[] selected)
    {
        var ordinals = _ordinals[facet];
        for (var i = 0; i < _ordinalCount[facet]; i++)
            if (selected[ordinals[i]]) return true;
        return false;
    }

    private void NameSegmentCounts()
    {
        var name = new BytesRef();
        for (var f = 0; f < _facets.Count; f++)
        {
            var counts = _segmentCounts[f];
            for (var ordinal = 0; ordinal < counts.Length; ordinal++)
            {
                if (counts[ordinal] == 0) continue;
                _values[f]!.LookupOrd(ordinal, name);
                var value = name.Utf8ToString();
                _counts[f][value] = _counts[f].GetValueOrDefault(value) + counts[ordinal];
            }
            _segmentCounts[f] = [];
        }
    }

    /// <summary>Each facet's values by count (then label); selected values stay listed even at zero.</summary>
    public IReadOnlyList<FacetResult> Results()
    {
        NameSegmentCounts();
        return _facets.Select((facet, f) =>
        {
            var counts = _counts[f];
            var selected = _query.Selected(facet.Name);
            foreach (var value in selected) counts.TryAdd(value, 0);
            var values = counts
                .Select(c => new FacetValue(c.Key, facet.LabelOf(c.Key), c.Value, selected.Contains(c.Key)))
                .OrderByDescending(v => v.Count).ThenBy(v => v.Label, FrenchLabels)
                .ToList();
            return new FacetResult(facet, values);
        }).ToList();
    }
}
