using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Formation.Search.Querying;

/// <summary>
/// Sorting by a numeric field (date, duration, price) on values read once per segment into an array, instead of
/// decoding the compressed doc values for every candidate document (which made sorting 100,000 matches ten times
/// slower than finding them). Missing values sort as 0, as Lucene's own comparator does.
/// </summary>
public sealed class SortValues : FieldComparerSource
{
    public static readonly SortValues Instance = new();
    private static readonly ConditionalWeakTable<object, Dictionary<string, long[]>> BySegment = new();

    public static SortField Field(string field, bool reverse = false) => new(field, Instance, reverse);

    /// <summary>The field's values in this segment, by document.</summary>
    public static long[] Of(AtomicReader reader, string field)
    {
        var fields = BySegment.GetValue(reader.CoreCacheKey, _ => new Dictionary<string, long[]>());
        lock (fields)
        {
            if (fields.TryGetValue(field, out var values)) return values;
            values = new long[reader.MaxDoc];
            if (reader.GetNumericDocValues(field) is { } docValues)
                for (var doc = 0; doc < values.Length; doc++) values[doc] = docValues.Get(doc);
            return fields[field] = values;
        }
    }

    public override FieldComparer NewComparer(string fieldname, int numHits, int sortPos, bool reversed) => new Comparer(fieldname, numHits);

    private sealed class Comparer(string field, int numHits) : FieldComparer<J2N.Numerics.Int64>
    {
        private readonly long[] _slots = new long[numHits];
        private long[] _current = [];
        private long _bottom;
        private long _top;

        public override int Compare(int slot1, int slot2) => _slots[slot1].CompareTo(_slots[slot2]);
        public override void SetBottom(int slot) => _bottom = _slots[slot];
        public override void SetTopValue(J2N.Numerics.Int64 value) => _top = value.ToInt64();
        public override int CompareBottom(int doc) => _bottom.CompareTo(_current[doc]);
        public override int CompareTop(int doc) => _top.CompareTo(_current[doc]);
        public override void Copy(int slot, int doc) => _slots[slot] = _current[doc];

        public override FieldComparer SetNextReader(AtomicReaderContext context)
        {
            _current = Of(context.AtomicReader, field);
            return this;
        }

        public override J2N.Numerics.Int64 this[int slot] => J2N.Numerics.Int64.GetInstance(_slots[slot]);
    }
}
