using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Formation.Tenants.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Tenants.Pages.Plateforme.Portails;

/// <summary>Platform operators create, suspend and resume portals.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class PortailsModel(TenantAdministration admin) : PageModel
{
    public List<Tenant> Tenants { get; private set; } = [];
    [BindProperty] public CreateInput Input { get; set; } = new();
    [TempData] public string? Message { get; set; }

    public sealed class CreateInput
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Hosts { get; set; }
        public string? UrlPrefix { get; set; }
    }

    public async Task OnGetAsync(CancellationToken ct) => Tenants = await admin.ListAsync(ct);

    public async Task<IActionResult> OnPostCreerAsync(CancellationToken ct)
    {
        try
        {
            var hosts = (Input.Hosts ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var tenant = await admin.CreateAsync(new CreateTenant(Input.Id, Input.Name, hosts, Input.UrlPrefix), ct);
            Message = $"Portail « {tenant.Name} » créé.";
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            Tenants = await admin.ListAsync(ct);
            return Page();
        }
    }

    public Task<IActionResult> OnPostSuspendreAsync(string id, CancellationToken ct) => SetStatus(id, TenantStatus.Suspended, "suspendu", ct);
    public Task<IActionResult> OnPostReprendreAsync(string id, CancellationToken ct) => SetStatus(id, TenantStatus.Active, "réactivé", ct);

    private async Task<IActionResult> SetStatus(string id, TenantStatus status, string verb, CancellationToken ct)
    {
        try
        {
            await admin.SetStatusAsync(id, status, ct);
            Message = $"Portail « {id} » {verb}.";
        }
        catch (ValidationFailedException ex) { Message = ex.Message; }
        return RedirectToPage();
    }
}
