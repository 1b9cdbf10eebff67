using System.ComponentModel.DataAnnotations;
using Formation.Catalog.Contracts;

namespace Formation.Catalog.Recipes;

/// <summary>
/// <c>{"name":"modules","tenant":"plateforme","modules":[{...}]}</c>: training modules owned by that portal
/// ("plateforme" = the shared catalogue), published at once when <c>publish</c> is true.
/// </summary>
public sealed class ModulesStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required, MinLength(1)] public required List<ModuleModel> Modules { get; init; }

    public sealed class ModuleModel
    {
        /// <summary>URL name, unique per portal: lowercase letters, digits and hyphens.</summary>
        [Required, RegularExpression("^[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "Le slug s'écrit en minuscules, chiffres et tirets.")] public required string Slug { get; init; }
        /// <summary>Key of a training institute created by an organisations step on the same portal.</summary>
        [Required] public required string Publisher { get; init; }
        [Required, StringLength(160)] public required string Title { get; init; }
        [Required, StringLength(400)] public required string Summary { get; init; }
        /// <summary>Markdown; rendered to HTML and sanitised.</summary>
        [Required] public required string Description { get; init; }
        public List<string> Objectives { get; init; } = [];
        public List<string> Outline { get; init; } = [];
        /// <summary>Profession keys (see Taxonomy.Professions).</summary>
        public List<string> Professions { get; init; } = [];
        /// <summary>Theme keys (see Taxonomy.Themes).</summary>
        [Required, MinLength(1)] public required List<string> Themes { get; init; }
        public ModuleLevel Level { get; init; } = ModuleLevel.Discovery;
        public ModuleFormat Format { get; init; } = ModuleFormat.Mooc;
        [Range(0.25, 1000)] public decimal DurationHours { get; init; }
        public string Language { get; init; } = "fr";
        public string? Prerequisites { get; init; }
        public string? AccessibilityInfo { get; init; }
        public CertificationModel? Certification { get; init; }
        public bool CpfEligible { get; init; }
        /// <summary>Prices in euros (decimals allowed), per buyer type; all zero for a MOOC.</summary>
        public PricesModel Prices { get; init; } = new();
        public List<SessionModel> Sessions { get; init; } = [];
        /// <summary>Path of a cover image relative to the recipe (PNG, JPEG, WebP or SVG).</summary>
        public string? Cover { get; init; }
        /// <summary>Days before today of the publication date (demo data looks lived-in); 0 by default.</summary>
        [Range(0, 3650)] public int PublishedDaysAgo { get; init; }
        public bool Publish { get; init; } = true;
    }

    public sealed class CertificationModel
    {
        public CertificationKind Kind { get; init; }
        [Required, RegularExpression("^(RNCP|RS)[0-9]{2,6}$", ErrorMessage = "Code attendu : RNCP12345 ou RS1234.")] public required string Code { get; init; }
    }

    public sealed class PricesModel
    {
        [Range(0, 100000)] public decimal Individual { get; init; }
        [Range(0, 100000)] public decimal EmployerSeat { get; init; }
        [Range(0, 1000000)] public decimal InstituteLicence { get; init; }
        /// <summary>Optional employer volume tiers: <c>[{"minimumSeats":10,"unitPrice":90}]</c>, unit price in euros excluding VAT.</summary>
        public List<TierModel> EmployerTiers { get; init; } = [];
    }

    public sealed class TierModel
    {
        // Checked by the content rules, with their French messages.
        public int MinimumSeats { get; init; }
        public decimal UnitPrice { get; init; }
    }

    public sealed class SessionModel
    {
        public DateOnly Start { get; init; }
        public DateOnly End { get; init; }
        [Range(1, 1000)] public int Capacity { get; init; }
        public string? Tutor { get; init; }
    }
}

/// <summary>
/// <c>{"name":"curation","tenant":"departement","mode":"Rules","themes":[...],"professions":[...],"picked":["slug"]}</c>:
/// which of the platform's shared modules the portal shows.
/// </summary>
public sealed class CurationStepModel
{
    [Required] public required string Tenant { get; init; }
    public CurationMode Mode { get; init; } = CurationMode.All;
    public List<string> Themes { get; init; } = [];
    public List<string> Professions { get; init; } = [];
    /// <summary>Slugs of shared (platform) modules, for HandPicked.</summary>
    public List<string> Picked { get; init; } = [];
}
