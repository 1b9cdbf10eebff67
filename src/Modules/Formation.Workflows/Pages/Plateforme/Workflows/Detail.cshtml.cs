using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Formation.Workflows.Definitions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Workflows.Pages.Plateforme.Workflows;

/// <summary>One definition (latest or a given version): its diagram, its states and transitions in tables, its JSON source.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class WorkflowDetailModel : PageModel
{
    public WorkflowDefinition Definition { get; private set; } = new();
    public IReadOnlyList<WorkflowDefinitionVersionInfo> Versions { get; private set; } = [];
    public Dictionary<(string Id, int Version), (int Running, int Completed)> Counts { get; private set; } = [];
    public IReadOnlyList<IWorkflowGuard> Guards { get; private set; } = [];
    public string Mermaid { get; private set; } = "";
    public string Json { get; private set; } = "";
    public bool IsLatest { get; private set; }
    [TempData] public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, int? version, CancellationToken ct)
    {
        var store = HttpContext.RequestServices.GetRequiredService<WorkflowDefinitionStore>();
        if (await store.GetAsync(id, version, ct) is not { } definition) return NotFound();
        Definition = definition;
        Versions = await store.VersionsAsync(id, ct);
        IsLatest = Versions.Count > 0 && Versions[0].Version == definition.Version;
        Counts = await store.InstanceCountsAsync(ct);
        var used = definition.Transitions.Select(t => t.Guard).OfType<string>().ToHashSet();
        Guards = HttpContext.RequestServices.GetServices<IWorkflowGuard>().Where(g => used.Contains(g.Name)).ToList();
        Mermaid = MermaidDiagram.For(definition, Guards.ToDictionary(g => g.Name, g => g.Description));
        Json = definition.ToJson();
        return Page();
    }

    public string StateLabel(string id) => Definition.State(id)?.Label ?? id;
}
