using System.Runtime.CompilerServices;
using Formation.Search.Indexing;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Formation.Search.Querying;

/// <summary>
/// The one pass of a search over the documents of its text and portal visibility: counts facet values
/// "drill-sideways" (a document counts for a facet when it passes the filters of every other facet, so a selected theme
/// keeps its sibling themes' counts while the other facets narrow to the selection) and hands the documents that pass
/// every filter to <paramref name="hits"/> (the top-N collector), counting them as the total. Values come from
/// <see cref="SegmentFacets"/> (each segment's ordinals in flat arrays) and are counted in arrays indexed by ordinal,
/// named once per segment: collecting a document allocates nothing, and it runs for every match (over 100,000 at times).
/// </summary>
public sealed class FacetCounter(SearchQuery query, ICollector? hits = null) : ICollector
{
    private static readonly IReadOnlyList<SearchFacet> Facets = SearchFacets.All;
    private static readonly StringComparer FrenchLabels = StringComparer.Create(new System.Globalization.CultureInfo("fr-FR"), ignoreCase: true);

    private readonly Dictionary<string, int>[] _counts = Facets.Select(_ => new Dictionary<string, int>()).ToArray();
    /// <summary>The facets that have a filter, and per facet the selected ordinals of the current segment (null without filter).</summary>
    private readonly int[] _filtered = Facets.Select((f, i) => (f, i)).Where(x => query.Selected(x.f.Name).Count > 0).Select(x => x.i).ToArray();
    private readonly bool[]?[] _selected = new bool[]?[Facets.Count];
    private SegmentFacets? _segment;
    private int[][] _segmentCounts = [];

    /// <summary>Documents that pass every facet filter (and the text and visibility the pass was run with).</summary>
    public int Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => hits?.AcceptsDocsOutOfOrder ?? true;

    public void SetScorer(Scorer scorer) => hits?.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        NameSegmentCounts();
        var segment = _segment = SegmentFacets.Of(context.AtomicReader);
        _segmentCounts = segment.Values.Select(v => new int[v.Length]).ToArray();
        foreach (var f in _filtered)
        {
            var selected = new bool[segment.Values[f].Length];
            foreach (var value in query.Selected(Facets[f].Name))
                if (Array.IndexOf(segment.Values[f], value) is >= 0 and var ordinal) selected[ordinal] = true;
            _selected[f] = selected;
        }
        hits?.SetNextReader(context);
    }

    public void Collect(int doc)
    {
        var segment = _segment!;
        // The one facet whose filter this document fails, if exactly one: it counts for that facet only.
        var failed = -1;
        foreach (var f in _filtered)
        {
            if (Passes(segment, f, doc)) continue;
            if (failed >= 0) return;
            failed = f;
        }
        if (failed >= 0) { Count(segment, failed, doc); return; }
        Total++;
        hits?.Collect(doc);
        for (var f = 0; f < _segmentCounts.Length; f++) Count(segment, f, doc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(SegmentFacets segment, int facet, int doc)
    {
        var (starts, ordinals, counts) = (segment.Starts[facet], segment.Ordinals[facet], _segmentCounts[facet]);
        for (int i = starts[doc], end = starts[doc + 1]; i < end; i++) counts[ordinals[i]]++;
    }

    private bool Passes(SegmentFacets segment, int facet, int doc)
    {
        var (starts, ordinals, selected) = (segment.Starts[facet], segment.Ordinals[facet], _selected[facet]!);
        for (int i = starts[doc], end = starts[doc + 1]; i < end; i++)
            if (selected[ordinals[i]]) return true;
        return false;
    }

    private void NameSegmentCounts()
    {
        if (_segment is not { } segment) return;
        for (var f = 0; f < _segmentCounts.Length; f++)
        {
            var counts = _segmentCounts[f];
            for (var ordinal = 0; ordinal < counts.Length; ordinal++)
                if (counts[ordinal] > 0)
                    _counts[f][segment.Values[f][ordinal]] = _counts[f].GetValueOrDefault(segment.Values[f][ordinal]) + counts[ordinal];
        }
        _segment = null;
    }

    /// <summary>Each facet's values by count (then label); selected values stay listed even at zero.</summary>
    public IReadOnlyList<FacetResult> Results()
    {
        NameSegmentCounts();
        return Facets.Select((facet, f) =>
        {
            var counts = _counts[f];
            var selected = query.Selected(facet.Name);
            foreach (var value in selected) counts.TryAdd(value, 0);
            var values = counts
                .Select(c => new FacetValue(c.Key, facet.LabelOf(c.Key), c.Value, selected.Contains(c.Key)))
                .OrderByDescending(v => v.Count).ThenBy(v => v.Label, FrenchLabels)
                .ToList();
            return new FacetResult(facet, values);
        }).ToList();
    }
}

/// <summary>
/// The facet values of one index segment, read once from its sorted-set doc values into flat arrays: per facet, the
/// ordinals of document d are <c>Ordinals[Starts[d]..Starts[d + 1]]</c>, and <c>Values[ordinal]</c> names them.
/// Kept as long as the segment is open (segments never change; deletions do not matter here, as deleted documents are
/// never collected), and built when a new searcher opens (<see cref="SearchIndex"/> warms it), not by a search.
/// </summary>
public sealed class SegmentFacets
{
    private static readonly ConditionalWeakTable<object, SegmentFacets> BySegment = new();

    private SegmentFacets(int[][] starts, int[][] ordinals, string[][] values) => (Starts, Ordinals, Values) = (starts, ordinals, values);

    public int[][] Starts { get; }
    public int[][] Ordinals { get; }
    public string[][] Values { get; }

    /// <summary>The values of <see cref="SearchFacets.All"/>, in that order.</summary>
    public static SegmentFacets Of(AtomicReader reader) => BySegment.GetValue(reader.CoreCacheKey, _ => Read(reader));

    private static SegmentFacets Read(AtomicReader reader)
    {
        var facets = SearchFacets.All;
        var maxDoc = reader.MaxDoc;
        var starts = new int[facets.Count][];
        var ordinals = new int[facets.Count][];
        var values = new string[facets.Count][];
        var name = new BytesRef();
        for (var f = 0; f < facets.Count; f++)
        {
            var docValues = reader.GetSortedSetDocValues(facets[f].Name);
            var docStarts = new int[maxDoc + 1];
            var docOrdinals = new List<int>(maxDoc);
            var names = new string[docValues is null ? 0 : checked((int)docValues.ValueCount)];
            for (var ordinal = 0; ordinal < names.Length; ordinal++)
            {
                docValues!.LookupOrd(ordinal, name);
                names[ordinal] = name.Utf8ToString();
            }
            for (var doc = 0; doc < maxDoc; doc++)
            {
                docStarts[doc] = docOrdinals.Count;
                if (docValues is null) continue;
                docValues.SetDocument(doc);
                for (var ordinal = docValues.NextOrd(); ordinal != SortedSetDocValues.NO_MORE_ORDS; ordinal = docValues.NextOrd())
                    docOrdinals.Add((int)ordinal);
            }
            docStarts[maxDoc] = docOrdinals.Count;
            (starts[f], ordinals[f], values[f]) = (docStarts, docOrdinals.ToArray(), names);
        }
        return new SegmentFacets(starts, ordinals, values);
    }
}
