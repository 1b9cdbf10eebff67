using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Insights.Pages.Admin;

/// <summary>The needs watch: a portal's admins see their portal; platform operators, on the platform portal, see every portal.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class BesoinsDashboardModel(NeedsWatch watch, ModuleRatings ratings, TenantContext tenant) : PageModel
{
    public NeedsDashboard Dashboard { get; private set; } = null!;
    public IReadOnlyList<RatedModule> PoorlyRated { get; private set; } = [];
    public bool AllPortals => tenant.Required.IsPlatform && User.IsInRole(Roles.PlatformAdmin);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Dashboard = await watch.DashboardAsync(AllPortals, ct);
        PoorlyRated = await ratings.PoorlyRatedAsync(AllPortals, ct);
    }

    public async Task<IActionResult> OnGetCsvAvisAsync(CancellationToken ct) =>
        File(ModuleRatings.ToCsv(await ratings.PoorlyRatedAsync(AllPortals, ct)), "text/csv; charset=utf-8", $"modules-mal-notes-{tenant.Required.Id}-{DateTime.UtcNow:yyyy-MM-dd}.csv");

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var dashboard = await watch.DashboardAsync(AllPortals, ct);
        return File(NeedsWatch.ToCsv(dashboard.Needs), "text/csv; charset=utf-8", $"besoins-de-formation-{tenant.Required.Id}-{DateTime.UtcNow:yyyy-MM-dd}.csv");
    }
}
