using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Formation.Workflows.Definitions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Workflows.Pages.Plateforme.Workflows;

/// <summary>
/// Edits a definition as JSON: a valid text is saved as a new version (running instances keep theirs); errors are listed
/// in French, each naming the element at fault. Starting from an older version than the latest is refused.
/// </summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class WorkflowEditionModel : PageModel
{
    [BindProperty] public string Json { get; set; } = "";
    public string? DefinitionId { get; private set; }
    public int? LatestVersion { get; private set; }

    public const string Template = """
        {
          "id": "nouveau-workflow",
          "name": "Nouveau workflow",
          "initialState": "brouillon",
          "states": [
            { "id": "brouillon", "label": "Brouillon" },
            {
              "id": "en-relecture", "label": "En relecture",
              "task": { "title": "Relire", "role": "reviewer", "dueIn": "P10D", "remindersBefore": ["P2D"], "escalateAfter": "P1D", "escalateToRole": "platform-admin", "outcomes": ["refuser", "approuver"] }
            },
            { "id": "approuve", "label": "Approuvé", "terminal": true },
            { "id": "refuse", "label": "Refusé", "terminal": true }
          ],
          "transitions": [
            { "from": "brouillon", "trigger": "soumettre", "to": "en-relecture", "label": "Soumettre" },
            { "from": "en-relecture", "trigger": "approuver", "to": "approuve", "label": "Approuver" },
            { "from": "en-relecture", "trigger": "refuser", "to": "refuse", "label": "Refuser" }
          ]
        }
        """;

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken ct)
    {
        if (id is null) { Json = Template; return Page(); }
        var definition = await HttpContext.RequestServices.GetRequiredService<IWorkflowDefinitions>().GetAsync(id, null, ct);
        if (definition is null) return NotFound();
        DefinitionId = id;
        LatestVersion = definition.Version;
        Json = definition.ToJson();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? id, CancellationToken ct)
    {
        var services = HttpContext.RequestServices;
        DefinitionId = id;
        try
        {
            var result = await services.GetRequiredService<IWorkflowDefinitions>().SaveAsync(Json ?? "", UserId(), ct);
            TempData["Message"] = result.Created
                ? $"Version {result.Definition.Version} enregistrée : les nouveaux workflows la suivront, ceux en cours gardent la leur."
                : $"Aucune modification : la version {result.Definition.Version} reste en vigueur.";
            return Redirect(Url.Content($"~/plateforme/workflows/{result.Definition.Id}"));
        }
        catch (ValidationFailedException ex)
        {
            foreach (var message in ex.Errors.SelectMany(e => e.Value)) ModelState.AddModelError(nameof(Json), message);
            if (id is not null) LatestVersion = (await services.GetRequiredService<IWorkflowDefinitions>().GetAsync(id, null, ct))?.Version;
            return Page();
        }
    }

    private string? UserId() => User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
}
