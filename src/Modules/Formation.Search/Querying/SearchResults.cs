using Formation.Search.Indexing;

namespace Formation.Search.Querying;

/// <summary>A found module or document. <see cref="Highlights"/> are safe HTML: escaped text with the matched words in &lt;mark&gt;.</summary>
/// <param name="Url">A document's page (relative to the portal); null for a module (its page is <c>/formations/{Slug}</c>).</param>
public sealed record SearchHit(Guid Id, string Slug, string Title, string Summary, string Source, SearchHighlights Highlights, string? Url = null)
{
    public string Path => Url ?? $"/formations/{Slug}";
}

public sealed record SearchHighlights(string Title, string Summary);

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

public sealed record FacetResult(SearchFacet Facet, IReadOnlyList<FacetValue> Values);

public sealed record SearchResults(int Total, int Page, IReadOnlyList<SearchHit> Hits, IReadOnlyList<FacetResult> Facets)
{
    public int PageCount => (Total + SearchQuery.PageSize - 1) / SearchQuery.PageSize;
}
