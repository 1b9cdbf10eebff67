using Formation.Search.Analysis;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Search.Pages.Plateforme.Recherche;

/// <summary>Platform operators edit the search synonyms; a valid file applies at the next search, with no reindexing.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class SynonymesModel(SynonymStore store, Microsoft.AspNetCore.OutputCaching.IOutputCacheStore pages) : PageModel
{
    [BindProperty] public string Texte { get; set; } = "";
    [TempData] public bool Saved { get; set; }
    public int RuleCount => store.Current.Rules.Count;

    public void OnGet() => Texte = store.ReadText();

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            store.Save(Texte ?? "");
            await pages.EvictByTagAsync(AnonymousPageCache.AllPagesTag, HttpContext.RequestAborted);
            Saved = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, prefix: "");
            return Page();
        }
    }
}
