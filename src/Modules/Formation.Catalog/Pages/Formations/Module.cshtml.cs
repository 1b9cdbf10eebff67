using Formation.Catalog.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Formations;

/// <summary>A published module as the portal shows it; drafts and modules left out by the portal's selection are not found.</summary>
public sealed class ModulePageModel(CatalogReader reader, IEnumerable<IRetiredModuleAccess> retiredAccess, IEnumerable<IModulePageActions> actions, Formation.Shell.Modules.FeatureService features, Formation.Shell.Tenancy.TenantContext tenant) : PageModel
{
    public PublishedModule Module { get; private set; } = null!;
    public ModulePageAction? Action { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var module = await reader.FindVisibleAsync(slug, ct)
                     ?? await reader.FindRetiredForAsync(slug, User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, retiredAccess, ct);
        if (module is null) return NotFound();
        Module = module;
        foreach (var provider in actions)
        {
            if (provider.FeatureId is { } f && !features.IsEnabled(tenant.Required, f)) continue;
            Action = await provider.ForAsync(module, User, ct);
            if (Action is not null) break;
        }
        return Page();
    }
}
