using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Admin;

[Authorize(Policy = Policies.TenantAdmin)]
public sealed class OrganisationsModel(OrganisationDirectory directory) : PageModel
{
    public List<Organisation> Organisations { get; private set; } = [];
    [BindProperty] public OrganisationInput Input { get; set; } = new();
    [TempData] public string? Created { get; set; }

    public sealed class OrganisationInput
    {
        public OrganisationKind Kind { get; set; }
        public string Name { get; set; } = "";
        public string Siret { get; set; } = "";
        public EmployerType? EmployerType { get; set; }
        public string? ActivityDeclarationNumber { get; set; }
        public bool Qualiopi { get; set; }
        public bool VatExempt { get; set; }
    }

    public async Task OnGetAsync(CancellationToken ct) => Organisations = await directory.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var created = await directory.CreateAsync(new CreateOrganisation(Input.Kind, Input.Name, Input.Siret, Input.EmployerType, Input.ActivityDeclarationNumber, Input.Qualiopi, Input.VatExempt), ct);
            Created = created.Name;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            Organisations = await directory.ListAsync(ct);
            return Page();
        }
    }
}
