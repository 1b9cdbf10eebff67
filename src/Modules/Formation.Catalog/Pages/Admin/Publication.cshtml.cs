using Formation.Catalog.Data;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Admin;

/// <summary>Admin-only direct publication, until the review process decides instead.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class PublicationModel(CatalogAuthoring authoring, TenantContext tenant) : PageModel
{
    public List<TrainingModule> Modules { get; private set; } = [];
    public bool IsPlatform => tenant.Required.IsPlatform;
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Modules = await authoring.ListOwnAsync(null, ct);

    public Task<IActionResult> OnPostPublierAsync(Guid id, CancellationToken ct) => Run(() => authoring.PublishAsync(id, null, ct), "Version publiée : elle remplace la précédente.");
    public Task<IActionResult> OnPostRetirerAsync(Guid id, CancellationToken ct) => Run(() => authoring.RetireAsync(id, ct), "Module retiré du catalogue.");

    private async Task<IActionResult> Run(Func<Task> action, string done)
    {
        try { await action(); Message = done; }
        catch (ValidationFailedException ex) { Message = ex.Message; }
        return RedirectToPage();
    }
}
