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
/// every filter to <paramref name="hits"/> (the top-N collector), counting them as the total. A document is read as the
/// few group ids of <see cref="SegmentFacets"/>: collecting it increments one counter per group, and its ids' values
/// are named and summed once per segment. Collecting allocates nothing: it runs for every match (over 100,000 at times).
/// </summary>
public sealed class FacetCounter(SearchQuery query, ICollector? hits = null) : ICollector
{
    private static readonly IReadOnlyList<SearchFacet> Facets = SearchFacets.All;
    private static readonly StringComparer FrenchLabels = StringComparer.Create(new System.Globalization.CultureInfo("fr-FR"), ignoreCase: true);

    private readonly Dictionary<string, int>[] _counts = Facets.Select(_ => new Dictionary<string, int>()).ToArray();
    private readonly bool _filtered = Facets.Any(f => query.Selected(f.Name).Count > 0);
    private SegmentFacets? _segment;
    /// <summary>Per group of the current segment: documents passing every filter, and documents failing one filter only, by group id.</summary>
    private int[][] _passing = [];
    private int[][] _failingOne = [];
    /// <summary>Per group and id: <see cref="Passes"/>, the one facet whose filter the id fails, or <see cref="FailsSeveral"/>.</summary>
    private int[][] _failure = [];
    private const int Passes = -1;
    private const int FailsSeveral = -2;

    /// <summary>Documents that pass every facet filter (and the text and visibility the pass was run with).</summary>
    public int Total { get; private set; }

    public bool AcceptsDocsOutOfOrder => hits?.AcceptsDocsOutOfOrder ?? true;

    public void SetScorer(Scorer scorer) => hits?.SetScorer(scorer);

    public void SetNextReader(AtomicReaderContext context)
    {
        NameSegmentCounts();
        var segment = _segment = SegmentFacets.Of(context.AtomicReader);
        _passing = segment.Groups.Select(g => new int[g.Count]).ToArray();
        _failingOne = segment.Groups.Select(g => new int[g.Count]).ToArray();
        _failure = _filtered ? segment.Groups.Select(g => Failures(segment, g)).ToArray() : [];
        hits?.SetNextReader(context);
    }

    /// <summary>For each id of a group, which of the group's facets it fails the filter of.</summary>
    private int[] Failures(SegmentFacets segment, SegmentFacets.Group group)
    {
        var failure = new int[group.Count];
        for (var id = 0; id < group.Count; id++)
        {
            var failed = Passes;
            foreach (var f in group.Facets)
            {
                var selected = query.Selected(Facets[f].Name);
                if (selected.Count == 0 || group.Ordinals(f, id).Any(o => selected.Contains(segment.Values[f][o]))) continue;
                failed = failed == Passes ? f : FailsSeveral;
            }
            failure[id] = failed;
        }
        return failure;
    }

    public void Collect(int doc)
    {
        var ids = _segment!.Ids;
        if (_filtered)
        {
            // A document failing one filter only counts for that facet; failing two, for none.
            var failedGroup = -1;
            for (var g = 0; g < ids.Length; g++)
            {
                var failure = _failure[g][ids[g][doc]];
                if (failure == Passes) continue;
                if (failure == FailsSeveral || failedGroup >= 0) return;
                failedGroup = g;
            }
            if (failedGroup >= 0) { _failingOne[failedGroup][ids[failedGroup][doc]]++; return; }
        }
        Total++;
        hits?.Collect(doc);
        for (var g = 0; g < ids.Length; g++) _passing[g][ids[g][doc]]++;
    }

    private void NameSegmentCounts()
    {
        if (_segment is not { } segment) return;
        for (var g = 0; g < segment.Groups.Count; g++)
        {
            var group = segment.Groups[g];
            for (var id = 0; id < group.Count; id++)
            {
                if (_passing[g][id] is > 0 and var passing)
                    foreach (var f in group.Facets) Add(segment, f, group.Ordinals(f, id), passing);
                if (_failingOne[g][id] is > 0 and var failing) Add(segment, _failure[g][id], group.Ordinals(_failure[g][id], id), failing);
            }
        }
        _segment = null;
    }

    private void Add(SegmentFacets segment, int facet, int[] ordinals, int count)
    {
        var counts = _counts[facet];
        foreach (var ordinal in ordinals)
        {
            var value = segment.Values[facet][ordinal];
            counts[value] = counts.GetValueOrDefault(value) + count;
        }
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
/// The facet values of one index segment, read once from its sorted-set doc values. Each facet's distinct value sets are
/// numbered (a document has one set per facet: one value, several themes, or none); facets with few sets are grouped,
/// their sets combined into one id (format × price × duration × certifying × CPF × source: a few hundred ids), so a
/// document is a few ids (<see cref="Ids"/>[group][doc]) and counting it is a few increments. Kept as long as the segment
/// is open (segments never change; deleted documents are never collected), built when a new searcher opens
/// (<see cref="SearchIndex"/> warms it), not by a search.
/// </summary>
public sealed class SegmentFacets
{
    /// <summary>Facets are grouped while their combined ids stay this few.</summary>
    private const int MaxGroupIds = 1024;
    private static readonly ConditionalWeakTable<object, SegmentFacets> BySegment = new();

    private SegmentFacets(string[][] values, IReadOnlyList<Group> groups, int[][] ids) => (Values, Groups, Ids) = (values, groups, ids);

    /// <summary>Per facet (in <see cref="SearchFacets.All"/> order), ordinal → value.</summary>
    public string[][] Values { get; }
    public IReadOnlyList<Group> Groups { get; }
    /// <summary>Per group, document → id in the group.</summary>
    public int[][] Ids { get; }

    /// <summary>Facets counted together: an id is a combination of one value set per facet (mixed radix).</summary>
    public sealed class Group(int[] facets, int[][][] sets)
    {
        /// <summary>Facet indexes, in <see cref="SearchFacets.All"/>.</summary>
        public int[] Facets { get; } = facets;
        public int Count { get; } = facets.Aggregate(1, (n, f) => n * sets[f].Length);

        /// <summary>The ordinals facet <paramref name="facet"/> has in combination <paramref name="id"/>.</summary>
        public int[] Ordinals(int facet, int id)
        {
            foreach (var f in Facets)
            {
                var (set, rest) = (id % sets[f].Length, id / sets[f].Length);
                if (f == facet) return sets[f][set];
                id = rest;
            }
            throw new ArgumentOutOfRangeException(nameof(facet));
        }

        public int IdOf(int[] setOfFacet)
        {
            var (id, stride) = (0, 1);
            foreach (var f in Facets) { id += setOfFacet[f] * stride; stride *= sets[f].Length; }
            return id;
        }
    }

    /// <summary>The values of <see cref="SearchFacets.All"/>, in that order.</summary>
    public static SegmentFacets Of(AtomicReader reader) => BySegment.GetValue(reader.CoreCacheKey, _ => Read(reader));

    private static SegmentFacets Read(AtomicReader reader)
    {
        var facets = SearchFacets.All;
        var maxDoc = reader.MaxDoc;
        var values = new string[facets.Count][];
        var sets = new int[facets.Count][][];
        var setOfDoc = new int[facets.Count][];
        var name = new BytesRef();
        var ordinals = new List<int>();
        for (var f = 0; f < facets.Count; f++)
        {
            var docValues = reader.GetSortedSetDocValues(facets[f].Name);
            values[f] = new string[docValues is null ? 0 : checked((int)docValues.ValueCount)];
            for (var ordinal = 0; ordinal < values[f].Length; ordinal++)
            {
                docValues!.LookupOrd(ordinal, name);
                values[f][ordinal] = name.Utf8ToString();
            }
            var setIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var setList = new List<int[]>();
            setOfDoc[f] = new int[maxDoc];
            for (var doc = 0; doc < maxDoc; doc++)
            {
                ordinals.Clear();
                if (docValues is not null)
                {
                    docValues.SetDocument(doc);
                    for (var ordinal = docValues.NextOrd(); ordinal != SortedSetDocValues.NO_MORE_ORDS; ordinal = docValues.NextOrd()) ordinals.Add((int)ordinal);
                }
                var key = string.Join(',', ordinals);
                if (!setIds.TryGetValue(key, out var set))
                {
                    setIds[key] = set = setList.Count;
                    setList.Add([.. ordinals]);
                }
                setOfDoc[f][doc] = set;
            }
            sets[f] = [.. setList];
        }

        // Group facets in order while the product of their set counts stays small.
        var groups = new List<Group>();
        var current = new List<int>();
        var size = 1L;
        for (var f = 0; f < facets.Count; f++)
        {
            if (current.Count > 0 && size * sets[f].Length > MaxGroupIds)
            {
                groups.Add(new Group([.. current], sets));
                (current, size) = ([], 1);
            }
            current.Add(f);
            size *= sets[f].Length;
        }
        if (current.Count > 0) groups.Add(new Group([.. current], sets));

        var ids = groups.Select(_ => new int[maxDoc]).ToArray();
        var docSets = new int[facets.Count];
        for (var doc = 0; doc < maxDoc; doc++)
        {
            for (var f = 0; f < facets.Count; f++) docSets[f] = setOfDoc[f][doc];
            for (var g = 0; g < groups.Count; g++) ids[g][doc] = groups[g].IdOf(docSets);
        }
        return new SegmentFacets(values, groups, ids);
    }
}
