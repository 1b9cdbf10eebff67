using System.ComponentModel;
using Formation.Search.Indexing;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Formation.Search.Querying;

public enum SearchSort { Relevance, Newest, Duration, Price }

/// <summary>A validated search: text, selected facet values (facet name → values), sort and page.</summary>
public sealed record SearchQuery
{
    public const int PageSize = 20;
    public const int MaxPage = 500;

    public string Text { get; init; } = "";
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Filters { get; init; } = new Dictionary<string, IReadOnlySet<string>>();
    public SearchSort Sort { get; init; } = SearchSort.Relevance;
    public int Page { get; init; } = 1;

    public IReadOnlySet<string> Selected(string facet) => Filters.GetValueOrDefault(facet) ?? new HashSet<string>();
}

/// <summary>The query string of a search, shared by the page and the API (names are the public, French ones).</summary>
public sealed class SearchParameters
{
    public static readonly IReadOnlyDictionary<string, SearchSort> Sorts = new Dictionary<string, SearchSort>
    {
        ["pertinence"] = SearchSort.Relevance, ["recent"] = SearchSort.Newest, ["duree"] = SearchSort.Duration, ["prix"] = SearchSort.Price,
    };

    [FromQuery(Name = "q"), Description("Texte recherché. Les expressions entre guillemets sont cherchées telles quelles.")]
    public string? Q { get; set; }
    [FromQuery(Name = "theme"), Description("Thèmes (clés de la taxonomie), plusieurs possibles.")]
    public string[]? Theme { get; set; }
    [FromQuery(Name = "profession"), Description("Métiers (clés de la taxonomie), plusieurs possibles.")]
    public string[]? Profession { get; set; }
    [FromQuery(Name = "format"), Description("Formats : mooc, accompagne, mixte, classe-virtuelle.")]
    public string[]? Format { get; set; }
    [FromQuery(Name = "prix"), Description("gratuit ou payant.")]
    public string[]? Prix { get; set; }
    [FromQuery(Name = "duree"), Description("Tranches de durée : moins-de-2h, 2h-a-7h, 7h-a-21h, 21h-et-plus.")]
    public string[]? Duree { get; set; }
    [FromQuery(Name = "certifiant"), Description("oui ou non.")]
    public string[]? Certifiant { get; set; }
    [FromQuery(Name = "cpf"), Description("oui ou non.")]
    public string[]? Cpf { get; set; }
    [FromQuery(Name = "source"), Description("plateforme, portail ou cpf (catalogue national).")]
    public string[]? Source { get; set; }
    [FromQuery(Name = "departement"), Description("Codes de département (59, 2A, 974…), plusieurs possibles.")]
    public string[]? Departement { get; set; }
    [FromQuery(Name = "region"), Description("Codes de région (32, 84…), plusieurs possibles.")]
    public string[]? Region { get; set; }
    [FromQuery(Name = "distance"), Description("oui ou non : formation suivie à distance.")]
    public string[]? Distance { get; set; }
    [FromQuery(Name = "certification"), Description("rncp, rs ou aucune.")]
    public string[]? Certification { get; set; }
    [FromQuery(Name = "tarif"), Description("Tranches de prix : gratuit, moins-de-500, 500-a-1500, 1500-a-3000, 3000-et-plus, non-communique.")]
    public string[]? Tarif { get; set; }
    [FromQuery(Name = "tri"), Description("pertinence (par défaut), recent, duree ou prix.")]
    public string? Tri { get; set; }
    [FromQuery(Name = "page"), Description("Page de résultats, à partir de 1 (20 résultats par page).")]
    public string? Page { get; set; }

    private IEnumerable<(SearchFacet Facet, string[]? Values)> FacetValues() =>
    [
        (SearchFacets.Theme, Theme), (SearchFacets.Profession, Profession), (SearchFacets.Format, Format), (SearchFacets.Price, Prix),
        (SearchFacets.Duration, Duree), (SearchFacets.Certifying, Certifiant), (SearchFacets.Cpf, Cpf), (SearchFacets.Source, Source),
        (SearchFacets.Departement, Departement), (SearchFacets.Region, Region), (SearchFacets.Distance, Distance),
        (SearchFacets.Certification, Certification), (SearchFacets.PriceRange, Tarif),
    ];

    /// <summary>Checks every parameter; unknown values are refused with a French message naming the parameter.</summary>
    public SearchQuery ToQuery()
    {
        var errors = new ValidationErrors();
        var filters = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var (facet, values) in FacetValues())
        {
            var selected = (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToHashSet();
            foreach (var unknown in selected.Where(v => !facet.Values.ContainsKey(v)))
                errors.Add(facet.Name, $"Valeur inconnue pour « {facet.Name} » : « {Shorten(unknown)} ». Valeurs possibles : {string.Join(", ", facet.Values.Keys)}.");
            if (selected.Count > 0) filters[facet.Name] = selected;
        }
        var sort = SearchSort.Relevance;
        if (!string.IsNullOrWhiteSpace(Tri) && !Sorts.TryGetValue(Tri.Trim(), out sort))
            errors.Add("tri", $"Tri inconnu : « {Shorten(Tri)} ». Tris possibles : {string.Join(", ", Sorts.Keys)}.");
        var page = 1;
        if (!string.IsNullOrWhiteSpace(Page) && (!int.TryParse(Page, out page) || page < 1 || page > SearchQuery.MaxPage))
            errors.Add("page", $"Le numéro de page doit être un entier de 1 à {SearchQuery.MaxPage}.");
        errors.ThrowIfAny();
        return new SearchQuery { Text = Q?.Trim() ?? "", Filters = filters, Sort = sort, Page = page };
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
