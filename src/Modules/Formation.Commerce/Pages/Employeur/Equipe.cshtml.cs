using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Employeur;

/// <summary>The employer's staff: each person's trainings, progress, completion and certificate; CSV export.</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.EmployerManager)]
public sealed class EquipeModel(CommerceReports reports, CommercePeople people) : PageModel
{
    public string? Employer { get; private set; }
    public List<StaffProgressRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var employer = await people.EmployerOfAsync(User, ct);
        if (employer is null) return;
        Employer = employer.Name;
        Rows = await reports.StaffAsync(employer.Id, ct);
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var employer = await people.EmployerOfAsync(User, ct);
        if (employer is null) return NotFound();
        return File(CommerceReports.StaffCsv(await reports.StaffAsync(employer.Id, ct)), "text/csv; charset=utf-8", "equipe-formations.csv");
    }
}
