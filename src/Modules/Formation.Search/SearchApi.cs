using Formation.Search.Querying;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Formation.Search;

/// <summary><c>GET /api/search</c>: the portal's modules matching a text and filters, with facet counts.</summary>
public static class SearchApi
{
    public static void MapSearchApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/search", async Task<Results<Ok<SearchResponse>, ValidationProblem>> (
                [AsParameters] SearchParameters parameters, ModuleSearch search, HttpContext http, CancellationToken ct) =>
            {
                try
                {
                    var results = await search.SearchAsync(parameters.ToQuery(), ct);
                    return TypedResults.Ok(SearchResponse.From(results, http.Request.PathBase));
                }
                catch (ValidationFailedException ex)
                {
                    return TypedResults.ValidationProblem(ex.Errors, detail: ex.Message, title: "Recherche invalide");
                }
            })
            .WithName("SearchModules").WithTags("Recherche")
            .WithSummary("Recherche des formations du portail : texte, filtres par facette, tri et pagination (20 par page).")
            .WithDescription("Ne renvoie que les formations que ce portail présente (les siennes et celles du catalogue partagé retenues par sa sélection). " +
                             "Filtres : plusieurs valeurs d'un même filtre s'additionnent (OU), des filtres différents se combinent (ET). " +
                             "Le décompte d'une facette tient compte des autres filtres, pas du sien. Les extraits surlignent les mots trouvés avec <mark>.");
}

public sealed record SearchResponse(int Total, IReadOnlyList<SearchHitDto> Hits, IReadOnlyDictionary<string, IReadOnlyList<FacetValueDto>> Facets)
{
    public static SearchResponse From(SearchResults results, PathString pathBase) => new(
        results.Total,
        results.Hits.Select(h => new SearchHitDto(h.Id, h.Title, h.Summary, h.Source, pathBase + h.Path, h.Highlights) { ExternalUrl = h.ExternalUrl }).ToList(),
        results.Facets.ToDictionary(f => f.Facet.Name, f => (IReadOnlyList<FacetValueDto>)f.Values.Select(v => new FacetValueDto(v.Value, v.Label, v.Count)).ToList()));
}

/// <summary>
/// A found training or document: a module (<c>id</c> its id), a national training (<c>id</c> "cpf:{numero_formation}",
/// <c>externalUrl</c> its Mon Compte Formation link) or a resource (<c>id</c> "ressources:{id}"). <c>highlights</c> hold HTML-escaped text with the matched words in &lt;mark&gt;.
/// </summary>
public sealed record SearchHitDto(string Id, string Title, string Summary, string Source, string Url, SearchHighlights Highlights)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ExternalUrl { get; init; }
}

public sealed record FacetValueDto(string Value, string Label, int Count);
