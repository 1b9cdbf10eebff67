namespace Formation.Catalog.Contracts;

public enum ModuleFormat { Mooc, Accompanied, Blended, VirtualClass }

public enum ModuleLevel { Discovery, Deepening, Expertise }

public enum CertificationKind { Rncp, Rs }

/// <summary>Where a module comes from, for the search facet "source".</summary>
public static class ModuleSources
{
    public const string Platform = "plateforme";
    public const string Portal = "portail";
}

/// <summary>French labels and the fixed lists of the catalogue (themes asked for by the field, see docs/domain.md).</summary>
public static class Taxonomy
{
    public static readonly IReadOnlyDictionary<string, string> Themes = new Dictionary<string, string>
    {
        ["fondamentaux-ase"] = "Fondamentaux de l'ASE et projet pour l'enfant",
        ["attachement"] = "Théorie de l'attachement",
        ["violences-ip"] = "Violences et information préoccupante",
        ["mna"] = "Mineurs non accompagnés",
        ["handicap"] = "Handicap",
        ["sante-mentale"] = "Santé mentale",
        ["vulnerabilites"] = "Vulnérabilités multiples",
        ["fratries"] = "Liens fraternels",
        ["jeunes-majeurs"] = "Jeunes majeurs et sortie de dispositif (18–21 ans)",
        ["numerique"] = "Risques numériques",
        ["management"] = "Management et encadrement",
        ["familles"] = "Travail avec les familles",
    };

    /// <summary>The learner professions, shared with accounts.</summary>
    public static IReadOnlyDictionary<string, string> Professions => Formation.Identity.Professions.All;

    public static string FormatLabel(ModuleFormat format) => format switch
    {
        ModuleFormat.Mooc => "MOOC (gratuit, en autonomie)",
        ModuleFormat.Accompanied => "E-learning accompagné (tutoré, en session)",
        ModuleFormat.Blended => "Formation mixte",
        ModuleFormat.VirtualClass => "Classe virtuelle",
        _ => format.ToString(),
    };

    public static string LevelLabel(ModuleLevel level) => level switch
    {
        ModuleLevel.Discovery => "Découverte",
        ModuleLevel.Deepening => "Approfondissement",
        ModuleLevel.Expertise => "Expertise",
        _ => level.ToString(),
    };

    /// <summary>Duration bands for the search facet.</summary>
    public static string DurationBand(decimal hours) => hours switch
    {
        < 2 => "moins-de-2h",
        < 7 => "2h-a-7h",
        < 21 => "7h-a-21h",
        _ => "21h-et-plus",
    };

    public static readonly IReadOnlyDictionary<string, string> DurationBands = new Dictionary<string, string>
    {
        ["moins-de-2h"] = "Moins de 2 heures",
        ["2h-a-7h"] = "De 2 à 7 heures",
        ["7h-a-21h"] = "De 7 à 21 heures",
        ["21h-et-plus"] = "21 heures et plus",
    };
}
