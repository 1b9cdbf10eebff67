using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.TopUp;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.NationalCatalog.Pages.Employeur;

/// <summary>The employer's CPF top-up intentions.</summary>
[Authorize(Roles = Roles.EmployerManager)]
public sealed class AbondementsCpfModel(TopUpIntentions intentions) : PageModel
{
    public List<TopUpIntention> Items { get; private set; } = [];
    public bool NoEmployer { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var employer = await intentions.EmployerOfAsync(User, ct);
        if (employer is null) { NoEmployer = true; return; }
        Items = await intentions.ListAsync(employer.Id, ct);
    }
}
