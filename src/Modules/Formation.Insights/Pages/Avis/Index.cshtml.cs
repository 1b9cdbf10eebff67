using Formation.Catalog.Contracts;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Insights.Pages.Avis;

/// <summary>A learner rates a module they followed (stars and a comment); the poorly rated ones feed the needs watch.</summary>
[Authorize]
public sealed class AvisModel(ModuleRatings ratings, ICatalogReader catalog, UserManager<Formation.Identity.Data.FormationUser> users) : PageModel
{
    public PublishedModule Module { get; private set; } = null!;
    public bool MayRate { get; private set; }
    [BindProperty] public int Stars { get; set; }
    [BindProperty] public string? Comment { get; set; }
    [TempData] public bool Sent { get; set; }

    private async Task<bool> LoadAsync(Guid moduleId, CancellationToken ct)
    {
        if (await catalog.GetLastPublishedAsync(moduleId, ct) is not { } module) return false;
        Module = module;
        MayRate = await ratings.MayRateAsync(users.GetUserId(User)!, moduleId, ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid moduleId, CancellationToken ct)
    {
        if (!await LoadAsync(moduleId, ct)) return NotFound();
        if (await ratings.FindAsync(users.GetUserId(User)!, moduleId, ct) is { } mine) (Stars, Comment) = (mine.Stars, mine.Comment);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid moduleId, CancellationToken ct)
    {
        if (!await LoadAsync(moduleId, ct)) return NotFound();
        try
        {
            await ratings.RateAsync(users.GetUserId(User)!, moduleId, Stars, Comment, ct);
            Sent = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }
}
