using Formation.Search.Indexing;

namespace Formation.Search.Querying;

/// <summary>
/// A found module, or a source's document (<see cref="Key"/> "{source}:{key}", <see cref="Url"/> its page, no module id).
/// <see cref="Highlights"/> are safe HTML: escaped text with the matched words in &lt;mark&gt;.
/// </summary>
public sealed record SearchHit(Guid Id, string Slug, string Title, string Summary, string Source, SearchHighlights Highlights)
{
    public string? Key { get; init; }
    public string? Url { get; init; }
    public string? ExternalUrl { get; init; }
    public bool IsModule => Key is null;
}

public sealed record SearchHighlights(string Title, string Summary);

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

public sealed record FacetResult(SearchFacet Facet, IReadOnlyList<FacetValue> Values);

public sealed record SearchResults(int Total, int Page, IReadOnlyList<SearchHit> Hits, IReadOnlyList<FacetResult> Facets)
{
    public int PageCount => (Total + SearchQuery.PageSize - 1) / SearchQuery.PageSize;
}
