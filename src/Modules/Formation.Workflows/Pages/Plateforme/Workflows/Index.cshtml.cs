using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Formation.Workflows.Definitions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Workflows.Pages.Plateforme.Workflows;

/// <summary>Platform operators list the workflow definitions, their versions and how many instances each has.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class WorkflowsIndexModel : PageModel
{
    public IReadOnlyList<WorkflowDefinitionSummary> Definitions { get; private set; } = [];
    public Dictionary<(string Id, int Version), (int Running, int Completed)> Counts { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var store = HttpContext.RequestServices.GetRequiredService<WorkflowDefinitionStore>();
        Definitions = await store.ListAsync(ct);
        Counts = await store.InstanceCountsAsync(ct);
    }
}
