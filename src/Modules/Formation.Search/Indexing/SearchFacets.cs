using Formation.Catalog.Contracts;
using Formation.Shell.Places;

namespace Formation.Search.Indexing;

/// <summary>
/// A facet of the search: its query-string name (also the index field, a keyword with doc values), its French label,
/// the values a module has, and every value it may take with its label (anything else is a bad parameter).
/// </summary>
public sealed record SearchFacet(string Name, string Label, Func<PublishedModule, IEnumerable<string>> ValuesOf, IReadOnlyDictionary<string, string> Values)
{
    public string LabelOf(string value) => Values.GetValueOrDefault(value, value);
}

public static class SearchFacets
{
    private static readonly Dictionary<string, string> YesNo = new() { ["oui"] = "Oui", ["non"] = "Non" };
    private static string YesNoOf(bool value) => value ? "oui" : "non";

    /// <summary>French slugs of the formats, for URLs.</summary>
    public static string FormatValue(ModuleFormat format) => format switch
    {
        ModuleFormat.Mooc => "mooc",
        ModuleFormat.Accompanied => "accompagne",
        ModuleFormat.Blended => "mixte",
        ModuleFormat.VirtualClass => "classe-virtuelle",
        _ => format.ToString().ToLowerInvariant(),
    };

    public static readonly SearchFacet Theme = new("theme", "Thème", m => m.Themes, Taxonomy.Themes);
    public static readonly SearchFacet Profession = new("profession", "Métier", m => m.Professions, Taxonomy.Professions);
    public static readonly SearchFacet Format = new("format", "Format", m => [FormatValue(m.Format)],
        Enum.GetValues<ModuleFormat>().ToDictionary(FormatValue, Taxonomy.FormatLabel));
    public static readonly SearchFacet Price = new("prix", "Prix", m => [m.IsFree ? "gratuit" : "payant"],
        new Dictionary<string, string> { ["gratuit"] = "Gratuit", ["payant"] = "Payant" });
    public static readonly SearchFacet Duration = new("duree", "Durée", m => [Taxonomy.DurationBand(m.DurationHours)], Taxonomy.DurationBands);
    public static readonly SearchFacet Certifying = new("certifiant", "Certifiante (RNCP, RS)", m => [YesNoOf(m.IsCertifying)], YesNo);
    public static readonly SearchFacet Cpf = new("cpf", "Éligible au CPF", m => [YesNoOf(m.CpfEligible)], YesNo);
    /// <summary>Origins of documents other modules index (<see cref="Formation.Shell.Search.ISearchableSource.Source"/>).</summary>
    public const string DocumentSource = "ressources";
    public const string NationalSource = "cpf";

    public static readonly SearchFacet Source = new("source", "Origine", m => [m.Source],
        new Dictionary<string, string>
        {
            [ModuleSources.Platform] = "Catalogue de la plateforme", [ModuleSources.Portal] = "Formations du portail",
            [NationalSource] = "Catalogue national (CPF)", [DocumentSource] = "Ressources",
        });

    // Facets that matter most for trainings given in places (the national catalogue); modules are online, at no place.
    public static readonly SearchFacet Departement = new("departement", "Département", _ => [], Territories.Departements);
    public static readonly SearchFacet Region = new("region", "Région", _ => [], Territories.Regions);
    public static readonly SearchFacet Distance = new("distance", "À distance", _ => ["oui"], YesNo);
    public static readonly SearchFacet Certification = new("certification", "Certification",
        m => [CertificationValue(m.CertificationKind is null ? null : m.CertificationKind == CertificationKind.Rs ? "RS" : "RNCP")],
        new Dictionary<string, string> { ["rncp"] = "RNCP", ["rs"] = "Répertoire spécifique (RS)", ["aucune"] = "Sans certification" });
    public static readonly SearchFacet PriceRange = new("tarif", "Tranche de prix", m => [PriceBand(m.Prices.IndividualCents)],
        new Dictionary<string, string>
        {
            ["gratuit"] = "Gratuit", ["moins-de-500"] = "Moins de 500 €", ["500-a-1500"] = "De 500 à 1 500 €",
            ["1500-a-3000"] = "De 1 500 à 3 000 €", ["3000-et-plus"] = "3 000 € et plus", ["non-communique"] = "Prix non communiqué",
        });

    public static readonly IReadOnlyList<SearchFacet> All =
        [Theme, Profession, Format, Price, Duration, Certifying, Cpf, Source, Departement, Region, Distance, Certification, PriceRange];

    /// <summary>The "certification" value of a register ("RNCP", "RS") or none.</summary>
    public static string CertificationValue(string? register) => register?.ToUpperInvariant() switch
    {
        "RNCP" => "rncp",
        "RS" => "rs",
        _ => "aucune",
    };

    /// <summary>The "tarif" value of a price in cents (the lowest price of a range).</summary>
    public static string PriceBand(long? cents) => cents switch
    {
        null => "non-communique",
        0 => "gratuit",
        < 50_000 => "moins-de-500",
        < 150_000 => "500-a-1500",
        < 300_000 => "1500-a-3000",
        _ => "3000-et-plus",
    };

    public static SearchFacet? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
