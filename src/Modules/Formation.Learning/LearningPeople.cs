using System.Security.Claims;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Identity;

namespace Formation.Learning;

/// <summary>Who people are for Learning, read through Identity's public surface (accounts and organisations).</summary>
public sealed class LearningPeople(UserManager<FormationUser> users, OrganisationDirectory organisations)
{
    public string? UserId(ClaimsPrincipal principal) => users.GetUserId(principal);

    public Task<FormationUser?> FindAsync(string userId) => users.FindByIdAsync(userId);

    /// <summary>The training institute a publisher acts for, or null.</summary>
    public async Task<Guid?> InstituteIdAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!principal.IsInRole(Roles.InstitutePublisher)) return null;
        var user = await users.GetUserAsync(principal);
        if (user?.OrganisationId is not { } id) return null;
        var organisation = await organisations.FindAsync(id, ct);
        return organisation?.Kind == OrganisationKind.TrainingInstitute ? organisation.Id : null;
    }

    /// <summary>True when <paramref name="principal"/> manages the employer <paramref name="learnerId"/> belongs to.</summary>
    public async Task<bool> IsEmployerManagerOfAsync(ClaimsPrincipal principal, string learnerId, CancellationToken ct)
    {
        if (!principal.IsInRole(Roles.EmployerManager)) return false;
        var manager = await users.GetUserAsync(principal);
        var learner = await users.FindByIdAsync(learnerId);
        if (manager?.OrganisationId is not { } org || learner?.OrganisationId != org) return false;
        var organisation = await organisations.FindAsync(org, ct);
        return organisation?.Kind == OrganisationKind.Employer;
    }

    /// <summary>The learners of the employer a manager manages (for the manager's certificate list).</summary>
    public async Task<Organisation?> EmployerOfAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!principal.IsInRole(Roles.EmployerManager)) return null;
        var manager = await users.GetUserAsync(principal);
        if (manager?.OrganisationId is not { } org) return null;
        var organisation = await organisations.FindAsync(org, ct);
        return organisation?.Kind == OrganisationKind.Employer ? organisation : null;
    }
}
