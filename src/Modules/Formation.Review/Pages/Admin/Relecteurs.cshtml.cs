using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Review.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Review.Pages.Admin;

/// <summary>A portal's admins set each expert's themes, institute, lead role and availability.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class ReviewersModel(ReviewerDirectory directory, OrganisationDirectory organisations) : PageModel
{
    public List<ReviewerProfile> Reviewers { get; private set; } = [];
    public List<Organisation> Institutes { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(string userId, List<string> themes, Guid? instituteId, bool isLead, bool active, CancellationToken ct)
    {
        try
        {
            if (instituteId is { } id && (await organisations.FindAsync(id, ct))?.Kind != OrganisationKind.TrainingInstitute)
                throw new ValidationFailedException("InstituteId", "Choisissez un organisme de formation de ce portail.");
            var profile = await directory.SaveAsync(userId, themes, instituteId, isLead, active, ct);
            Message = $"Profil de {profile.Name} enregistré.";
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "");
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Reviewers = await directory.ListAsync(ct);
        Institutes = (await organisations.ListAsync(ct)).Where(o => o.Kind == OrganisationKind.TrainingInstitute).ToList();
    }
}
