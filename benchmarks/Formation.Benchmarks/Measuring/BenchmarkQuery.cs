using Formation.Search.Querying;

namespace Formation.Benchmarks.Measuring;

/// <summary>A search measured through HTTP, on the index directly and on PostgreSQL: text, facet filters and sort.</summary>
public sealed record BenchmarkQuery(string Name, string Description, string Text, IReadOnlyList<(string Facet, string Value)> Filters, SearchSort Sort = SearchSort.Relevance)
{
    /// <summary>The searches of the benchmark, as a learner of the Département portal types them.</summary>
    public static readonly IReadOnlyList<BenchmarkQuery> All =
    [
        new("one-word", "attachement", "attachement", []),
        new("one-word-common", "enfant (most modules match)", "enfant", []),
        new("multi-word", "violences éducateur", "violences éducateur", []),
        new("phrase", "\"information préoccupante\"", "\"information préoccupante\"", []),
        new("facets", "enfant + theme=violences-ip + format=classe-virtuelle + prix=payant", "enfant",
            [("theme", "violences-ip"), ("format", "classe-virtuelle"), ("prix", "payant")]),
        new("catalogue-home", "no text, newest first (the catalogue home's figures)", "", [], SearchSort.Newest),
    ];

    public SearchQuery ToSearchQuery() => new()
    {
        Text = Text,
        Sort = Sort,
        Filters = Filters.GroupBy(f => f.Facet).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(f => f.Value).ToHashSet()),
    };

    /// <summary>The query string of <c>/api/search</c> and <c>/recherche</c>.</summary>
    public string QueryString()
    {
        var parts = new List<string>();
        if (Text.Length > 0) parts.Add("q=" + Uri.EscapeDataString(Text));
        parts.AddRange(Filters.Select(f => $"{f.Facet}={Uri.EscapeDataString(f.Value)}"));
        if (Sort == SearchSort.Newest) parts.Add("tri=recent");
        return string.Join("&", parts);
    }
}
