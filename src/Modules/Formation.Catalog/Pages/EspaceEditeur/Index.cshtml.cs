using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.EspaceEditeur;

[Authorize(Policy = CatalogModule.PublisherPolicy)]
public sealed class EspaceEditeurModel(CatalogAuthoring authoring, PublisherContext publisher, Formation.Shell.Modules.FeatureService features, Formation.Shell.Tenancy.TenantContext tenant,
    IEnumerable<Formation.Catalog.Contracts.ModuleWorkspaceLink> workspaceLinks) : PageModel
{
    /// <summary>Links other modules add on each row (content packages…), when their feature is on for this portal.</summary>
    public IReadOnlyList<Formation.Catalog.Contracts.ModuleWorkspaceLink> Links => workspaceLinks.Where(l => features.IsEnabled(tenant.Required, l.FeatureId)).ToList();

    /// <summary>The review module, when on for this portal, shows each module's review status.</summary>
    public bool ReviewEnabled => features.IsEnabled(tenant.Required, "Formation.Review");

    public string? OrganisationName { get; private set; }
    public List<TrainingModule> Modules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null) return;
        OrganisationName = institute.Name;
        Modules = await authoring.ListOwnAsync(institute.Id, ct);
    }
}

/// <summary>The training institute a signed-in publisher acts for, on this portal.</summary>
public sealed class PublisherContext(UserManager<FormationUser> users, OrganisationDirectory organisations)
{
    public async Task<Organisation?> InstituteAsync(System.Security.Claims.ClaimsPrincipal principal, CancellationToken ct)
    {
        var user = await users.GetUserAsync(principal);
        if (user?.OrganisationId is not { } id) return null;
        var organisation = await organisations.FindAsync(id, ct);
        return organisation?.Kind == OrganisationKind.TrainingInstitute ? organisation : null;
    }
}
