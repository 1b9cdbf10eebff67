using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Identity.Pages.Admin;

[Authorize(Policy = Policies.TenantAdmin)]
public sealed class ComptesModel(IdentityDataContext db, Invitations invitations, OrganisationDirectory directory, UserManager<FormationUser> users) : PageModel
{
    public sealed record AccountRow(string Name, string Email, IReadOnlyList<string> Roles, string? Organisation);

    public List<AccountRow> Accounts { get; private set; } = [];
    public List<Invitation> Pending { get; private set; } = [];
    public List<Organisation> Organisations { get; private set; } = [];
    [BindProperty] public InviteInput Input { get; set; } = new();
    [TempData] public string? Invited { get; set; }

    public sealed class InviteInput
    {
        public string Email { get; set; } = "";
        public string Role { get; set; } = Roles.Learner;
        public Guid? OrganisationId { get; set; }
    }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await invitations.InviteAsync(Input.Email, Input.Role, Input.OrganisationId, users.GetUserId(User), Url.PageLink("/Compte/Invitation")!, ct);
            Invited = Input.Email;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Organisations = await directory.ListAsync(ct);
        var names = Organisations.ToDictionary(o => o.Id, o => o.Name);
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name!, ct);
        var userRoles = await db.UserRoles.AsNoTracking().Join(db.Users, ur => ur.UserId, u => u.Id, (ur, u) => ur).ToListAsync(ct);
        var list = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(ct);
        Accounts = list.Select(u => new AccountRow(u.DisplayName, u.Email ?? "",
            userRoles.Where(r => r.UserId == u.Id).Select(r => roleNames[r.RoleId]).ToList(),
            u.OrganisationId is { } id && names.TryGetValue(id, out var n) ? n : null)).ToList();
        Pending = await invitations.PendingAsync(ct);
    }
}
