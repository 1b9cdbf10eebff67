using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.Admin;

/// <summary>The portal's editors moderate proposed good practices (tasks of the content-moderation workflow).</summary>
[Authorize(Roles = Roles.TenantAdmin)]
public sealed class ModerationModel(Moderation moderation) : PageModel
{
    public IReadOnlyList<Moderation.PendingProposal> Pending { get; private set; } = [];
    [TempData] public string? Done { get; set; }
    public Guid? FailedTask { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Pending = await moderation.PendingAsync(ct);

    public async Task<IActionResult> OnPostAsync(Guid taskId, string outcome, string? message, CancellationToken ct)
    {
        try
        {
            await moderation.DecideAsync(taskId, outcome, message, WorkflowActor.FromPrincipal(User), ct);
            Done = outcome switch { "approve" => "Bonne pratique approuvée et publiée.", "changes" => "Modifications demandées à l'auteur·rice.", _ => "Proposition refusée ; l'auteur·rice est prévenu·e." };
            return RedirectToPage();
        }
        catch (Exception ex) when (ex is ValidationFailedException or InvalidOperationException)
        {
            FailedTask = taskId;
            Error = ex.Message;
            Pending = await moderation.PendingAsync(ct);
            return Page();
        }
    }
}
