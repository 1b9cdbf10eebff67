using Formation.Catalog.Contracts;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Admin;

/// <summary>A portal's admins choose which shared modules the portal shows.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class CurationModel(CatalogAuthoring authoring, CatalogReader reader, TenantContext tenant) : PageModel
{
    [BindProperty] public CurationMode Mode { get; set; }
    [BindProperty] public List<string> Themes { get; set; } = [];
    [BindProperty] public List<string> Professions { get; set; } = [];
    [BindProperty] public List<Guid> Picked { get; set; } = [];
    [TempData] public bool Saved { get; set; }
    public List<PublishedModule> Shared { get; private set; } = [];
    public int VisibleCount { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var curation = await reader.GetCurationAsync(tenant.Required.Id, ct);
        (Mode, Themes, Professions, Picked) = (curation.Mode, curation.Themes.ToList(), curation.Professions.ToList(), curation.PickedModuleIds.ToList());
        await LoadAsync(curation, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await authoring.SetCurationAsync(new CatalogCurationDto(Mode, Themes, Professions, Picked), ct);
            Saved = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "");
            await LoadAsync(new CatalogCurationDto(Mode, Themes, Professions, Picked), ct);
            return Page();
        }
    }

    private async Task LoadAsync(CatalogCurationDto curation, CancellationToken ct)
    {
        var all = new List<PublishedModule>();
        await foreach (var m in reader.StreamPublishedAsync(ct)) if (m.OwnerTenantId == TenantInfo.PlatformId) all.Add(m);
        Shared = all.OrderBy(m => m.Title).ToList();
        VisibleCount = Shared.Count(m => curation.Shows(m, tenant.Required.Id));
    }
}
