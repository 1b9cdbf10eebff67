using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Formation.Tenants.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Tenants.Pages.Plateforme.Portails;

/// <summary>Platform operators switch a portal's features on and off.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class PortailDetailModel(TenantAdministration admin, ModuleCatalog catalog) : PageModel
{
    public Tenant Tenant { get; private set; } = null!;
    public ModuleCatalog Catalog => catalog;
    [TempData] public bool Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var tenant = (await admin.ListAsync(ct)).FirstOrDefault(t => t.Id == id);
        if (tenant is null) return NotFound();
        Tenant = tenant;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, List<string> features, CancellationToken ct)
    {
        try
        {
            await admin.SetFeaturesAsync(id, features, ct);
            Saved = true;
            return RedirectToPage(new { id });
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "");
            return await OnGetAsync(id, ct);
        }
    }
}
