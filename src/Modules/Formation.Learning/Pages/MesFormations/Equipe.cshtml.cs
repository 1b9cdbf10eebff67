using Formation.Identity.Data;
using Formation.Learning.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning.Pages.MesFormations;

/// <summary>An employer's manager sees and downloads the certificates of the employer's learners.</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.EmployerManager)]
public sealed class EquipeModel(LearningDbContext db, LearningPeople people, UserManager<FormationUser> users) : PageModel
{
    public string? Employer { get; private set; }
    public List<Certificate> Certificates { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var employer = await people.EmployerOfAsync(User, ct);
        if (employer is null) return;
        Employer = employer.Name;
        var members = await users.Users.Where(u => u.OrganisationId == employer.Id).Select(u => u.Id).ToListAsync(ct);
        Certificates = await db.Certificates.AsNoTracking().Where(c => members.Contains(c.UserId)).OrderByDescending(c => c.IssuedUtc).ToListAsync(ct);
    }
}
