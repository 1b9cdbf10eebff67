using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.NationalCatalog.Pages.Plateforme.CatalogueNational;

/// <summary>Operators edit the ASE relevance rules: a preview lists what the change adds and removes, then they apply it.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class ReglesModel(RelevanceRuleStore store) : PageModel
{
    [BindProperty] public string? Certifications { get; set; }
    [BindProperty] public string? Nsf { get; set; }
    [BindProperty] public string? Formacodes { get; set; }
    [BindProperty] public string? Keywords { get; set; }
    public RelevancePreview? Preview { get; private set; }
    [TempData] public string? Applied { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rules = await store.GetAsync(ct);
        Certifications = string.Join("\n", rules.CertificationCodes);
        Nsf = string.Join("\n", rules.NsfCodes);
        Formacodes = string.Join("\n", rules.Formacodes);
        Keywords = string.Join("\n", rules.Keywords);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        try { Preview = await store.PreviewAsync(RelevanceRules.Parse(Certifications, Nsf, Formacodes, Keywords), ct); }
        catch (ValidationFailedException ex) { ModelState.AddErrors(ex, prefix: ""); }
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(CancellationToken ct)
    {
        try
        {
            var result = await store.ApplyAsync(RelevanceRules.Parse(Certifications, Nsf, Formacodes, Keywords), User.Identity?.Name, ct);
            Applied = $"Règles appliquées : {result.AddedCount} formation(s) ajoutée(s), {result.RemovedCount} retirée(s) ; {result.ShownAfter} formation(s) présentée(s).";
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, prefix: "");
            return Page();
        }
    }
}
