using Formation.Catalog.Contracts;

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
    /// <summary>The origin of documents other modules index (resources, articles, good practices).</summary>
    public const string DocumentSource = "ressources";

    public static readonly SearchFacet Source = new("source", "Origine", m => [m.Source],
        new Dictionary<string, string> { [ModuleSources.Platform] = "Catalogue de la plateforme", [ModuleSources.Portal] = "Formations du portail", [DocumentSource] = "Ressources" });

    public static readonly IReadOnlyList<SearchFacet> All = [Theme, Profession, Format, Price, Duration, Certifying, Cpf, Source];

    public static SearchFacet? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
