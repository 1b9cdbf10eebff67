using System.Text.RegularExpressions;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Validation;

namespace Formation.Catalog;

/// <summary>What a module's content must satisfy, wherever it comes from (workspace form, recipe, later imports).</summary>
public static partial class ModuleContentRules
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex SlugPattern();

    [GeneratedRegex("^(RNCP|RS)[0-9]{2,6}$")]
    private static partial Regex CertificationPattern();

    /// <summary>Markdown → HTML without raw HTML, then sanitised again (defence in depth).</summary>
    public static string RenderDescription(string markdown) => Formation.Shell.Text.SafeMarkdown.RenderBasic(markdown);

    public static string Slugify(string title)
    {
        var normalized = title.Normalize(System.Text.NormalizationForm.FormD);
        var chars = normalized.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            .Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        var slug = Regex.Replace(new string(chars.ToArray()), "-+", "-").Trim('-');
        return slug.Length > 80 ? slug[..80].TrimEnd('-') : slug;
    }

    /// <summary>Normalises and checks the content; throws every problem at once.</summary>
    public static ModuleContent Validate(ModuleContent content)
    {
        var errors = new ValidationErrors();
        var c = content with
        {
            Title = content.Title?.Trim() ?? "",
            Summary = content.Summary?.Trim() ?? "",
            DescriptionMarkdown = content.DescriptionMarkdown?.Trim() ?? "",
            Objectives = Clean(content.Objectives),
            Outline = Clean(content.Outline),
            Themes = content.Themes.Distinct().ToList(),
            Professions = content.Professions.Distinct().ToList(),
            CertificationCode = string.IsNullOrWhiteSpace(content.CertificationCode) ? null : content.CertificationCode.Trim().ToUpperInvariant(),
        };
        if (c.Title.Length is 0 or > 160) errors.Add(nameof(c.Title), "Le titre est obligatoire (160 caractères au plus).");
        if (c.Summary.Length is 0 or > 400) errors.Add(nameof(c.Summary), "Le résumé est obligatoire (400 caractères au plus).");
        if (c.DescriptionMarkdown.Length is 0 or > 20_000) errors.Add(nameof(c.DescriptionMarkdown), "La description est obligatoire (20 000 caractères au plus).");
        if (c.Themes.Count == 0) errors.Add(nameof(c.Themes), "Choisissez au moins une thématique.");
        foreach (var theme in c.Themes.Where(t => !Taxonomy.Themes.ContainsKey(t))) errors.Add(nameof(c.Themes), $"Thématique inconnue : {theme}.");
        foreach (var profession in c.Professions.Where(p => !Taxonomy.Professions.ContainsKey(p))) errors.Add(nameof(c.Professions), $"Métier inconnu : {profession}.");
        if (c.DurationHours is < 0.25m or > 1000m) errors.Add(nameof(c.DurationHours), "La durée va de 0,25 à 1 000 heures.");
        if (c.Prices.IndividualCents < 0 || c.Prices.EmployerSeatCents < 0 || c.Prices.InstituteLicenceCents < 0) errors.Add(nameof(c.Prices), "Un prix ne peut être négatif.");
        if (c.Format == ModuleFormat.Mooc && !c.Prices.IsFree) errors.Add(nameof(c.Prices), "Un MOOC est gratuit : ses prix doivent être nuls.");
        if (c.Format == ModuleFormat.Accompanied && c.Prices.IndividualCents == 0) errors.Add(nameof(c.Prices), "Un e-learning accompagné est payant : indiquez au moins le prix individuel.");
        foreach (var problem in EmployerTierProblems(c.Prices)) errors.Add(EmployerTiersField, problem);
        if (c.CertificationCode is not null && !CertificationPattern().IsMatch(c.CertificationCode)) errors.Add(nameof(c.CertificationCode), "Code de certification attendu : RNCP12345 ou RS1234.");
        if (c.CpfEligible && c.CertificationCode is null) errors.Add(nameof(c.CpfEligible), "L'éligibilité au CPF suppose une certification (RNCP ou RS).");
        if (c.Language is not ("fr" or "en" or "es" or "de" or "it" or "ar")) errors.Add(nameof(c.Language), "Langue non prise en charge.");
        errors.ThrowIfAny();
        return c with
        {
            DescriptionHtml = RenderDescription(c.DescriptionMarkdown),
            CertificationKind = c.CertificationCode is null ? null : c.CertificationCode.StartsWith("RNCP", StringComparison.Ordinal) ? CertificationKind.Rncp : CertificationKind.Rs,
        };
    }

    /// <summary>The field that tier problems are reported on.</summary>
    public const string EmployerTiersField = "EmployerTiers";

    /// <summary>
    /// Volume tiers for employer seats: at most five, from 2 seats up, minimums strictly increasing, each unit price positive,
    /// below the base seat price and below the previous tier's (buying more never costs more a seat).
    /// </summary>
    public static IReadOnlyList<string> EmployerTierProblems(ModulePrices prices)
    {
        var tiers = prices.EmployerTiers;
        var problems = new List<string>();
        if (tiers.Count == 0) return problems;
        if (tiers.Count > ModulePrices.MaxEmployerTiers) problems.Add($"Le tarif dégressif compte {ModulePrices.MaxEmployerTiers} paliers au plus.");
        if (prices.EmployerSeatCents <= 0) problems.Add("Un tarif dégressif suppose un prix employeur par place.");
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var name = $"Palier {i + 1}";
            if (tier.MinimumSeats < 2) problems.Add($"{name} : le nombre minimum de places est d'au moins 2.");
            if (i > 0 && tier.MinimumSeats <= tiers[i - 1].MinimumSeats) problems.Add($"{name} : le nombre minimum de places doit dépasser celui du palier précédent ({tiers[i - 1].MinimumSeats}).");
            if (tier.UnitCents <= 0) problems.Add($"{name} : indiquez un prix par place supérieur à zéro.");
            else if (prices.EmployerSeatCents > 0 && tier.UnitCents >= prices.EmployerSeatCents) problems.Add($"{name} : le prix par place doit être inférieur au prix employeur de base.");
            else if (i > 0 && tier.UnitCents >= tiers[i - 1].UnitCents) problems.Add($"{name} : le prix par place doit être inférieur à celui du palier précédent.");
        }
        return problems;
    }

    private static List<string> Clean(List<string>? items) => (items ?? []).Select(i => i.Trim()).Where(i => i.Length > 0).Take(30).ToList();
}
