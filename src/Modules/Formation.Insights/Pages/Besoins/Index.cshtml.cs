using Formation.Insights.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Insights.Pages.Besoins;

/// <summary>Learners and employers state a training need.</summary>
[Authorize(Roles = Roles.Learner + "," + Roles.EmployerManager)]
public sealed class BesoinModel(NeedsWatch watch, UserManager<Formation.Identity.Data.FormationUser> users) : PageModel
{
    [BindProperty] public NeedInput Input { get; set; } = new();
    [TempData] public bool Sent { get; set; }
    public bool IsEmployer => User.IsInRole(Roles.EmployerManager);

    public sealed class NeedInput
    {
        public string? Theme { get; set; }
        public string? Profession { get; set; }
        public string? Territory { get; set; }
        public int People { get; set; } = 1;
        public NeedUrgency Urgency { get; set; }
        public string? Comment { get; set; }
    }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var user = await users.GetUserAsync(User);
            await watch.StateAsync(new StateNeed(Input.Theme ?? "", string.IsNullOrEmpty(Input.Profession) ? null : Input.Profession, Input.Territory ?? "", Input.People, Input.Urgency, Input.Comment),
                IsEmployer ? "employer" : "learner", user?.Id, user?.OrganisationId, ct);
            Sent = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }
}
