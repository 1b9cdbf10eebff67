using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.EspaceEditeur;

/// <summary>The institute space: sales of its modules on every portal and the payout statement (what the platform owes it).</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.InstitutePublisher)]
public sealed class VentesModel(CommerceReports reports, CommercePeople people, TenantContext tenant) : PageModel
{
    public string? Institute { get; private set; }
    public List<InstituteSaleRow> Sales { get; private set; } = [];
    public PayoutStatement? Payout { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var institute = await people.InstituteOfAsync(User, ct);
        if (institute is null) return;
        Institute = institute.Name;
        Sales = await reports.SalesAsync(tenant.Required.Id, institute.Id, ct);
        Payout = reports.Payout(Sales);
    }
}
