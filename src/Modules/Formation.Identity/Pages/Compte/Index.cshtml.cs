using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Compte;

[Authorize]
public sealed class CompteModel(UserManager<FormationUser> users, OrganisationDirectory organisations) : PageModel
{
    public FormationUser Account { get; private set; } = null!;
    public IList<string> RoleIds { get; private set; } = [];
    public Organisation? Organisation { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        Account = user;
        RoleIds = await users.GetRolesAsync(user);
        Organisation = user.OrganisationId is { } id ? await organisations.FindAsync(id, ct) : null;
        return Page();
    }
}
