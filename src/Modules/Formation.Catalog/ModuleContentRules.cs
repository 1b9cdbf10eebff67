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

    private static List<string> Clean(List<string>? items) => (items ?? []).Select(i => i.Trim()).Where(i => i.Length > 0).Take(30).ToList();
}
