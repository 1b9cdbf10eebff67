using Formation.Search.Indexing;

namespace Formation.Search.Querying;

/// <summary>A found module or document. <see cref="Highlights"/> are safe HTML: escaped text with the matched words in &lt;mark&gt;.</summary>
/// <param name="Id">A module's id, or "{source}:{key}" for another module's document (e.g. "cpf:{numero_formation}").</param>
/// <param name="Url">A document's page (relative to the portal); null for a module (its page is <c>/formations/{Slug}</c>).</param>
public sealed record SearchHit(string Id, string Slug, string Title, string Summary, string Source, SearchHighlights Highlights, string? Url = null)
{
    public string Path => Url ?? $"/formations/{Slug}";
    public bool IsModule => Url is null;
    /// <summary>Where a document is bought or joined outside the platform (Mon Compte Formation).</summary>
    public string? ExternalUrl { get; init; }
}

public sealed record SearchHighlights(string Title, string Summary);

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

public sealed record FacetResult(SearchFacet Facet, IReadOnlyList<FacetValue> Values);

public sealed record SearchResults(int Total, int Page, IReadOnlyList<SearchHit> Hits, IReadOnlyList<FacetResult> Facets)
{
    public int PageCount => (Total + SearchQuery.PageSize - 1) / SearchQuery.PageSize;
}
