using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Review.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Review.Pages.Relecture;

/// <summary>The review screen: the module as learners will see it, what changed since the last round, earlier rounds, and the grid.</summary>
[Authorize(Roles = Roles.Reviewer)]
public sealed class ReviewScreenModel(IWorkflowEngine engine, ReviewService reviews, ReviewSettingsStore settings) : PageModel
{
    public WorkflowTaskDto Task { get; private set; } = null!;
    public PublishedModule Module { get; private set; } = null!;
    public int Round { get; private set; }
    public CriteriaGrid Grid { get; private set; } = CriteriaGrid.Default;
    public IReadOnlyList<ContentChange> Changes { get; private set; } = [];
    public IReadOnlyList<ReviewScore> EarlierScores { get; private set; } = [];

    [BindProperty] public Dictionary<string, int> Scores { get; set; } = [];
    [BindProperty] public string? Decision { get; set; }
    [BindProperty] public string? Comment { get; set; }
    [TempData] public string? Message { get; set; }

    public string DecisionLabel(string decision) => decision switch
    {
        ReviewDefinition.Approve => "approuvé",
        ReviewDefinition.Changes => "modifications demandées",
        ReviewDefinition.Reject => "refusé",
        _ => decision,
    };

    public async Task<IActionResult> OnGetAsync(Guid taskId, CancellationToken ct) =>
        await LoadAsync(taskId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid taskId, CancellationToken ct)
    {
        if (!await LoadAsync(taskId, ct)) return NotFound();
        try
        {
            await reviews.SubmitReviewAsync(taskId, Scores, Comment, Decision, WorkflowActor.FromPrincipal(User), ct);
            Message = $"Votre relecture de « {Module.Title} » est enregistrée ({ReviewDefinition.DecisionLabel(Decision).ToLowerInvariant()}).";
            return Redirect(Url.Content("~/relecture"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "");
            return Page();
        }
    }

    /// <summary>Only the person the task is assigned to (or who claimed it) may open it.</summary>
    private async Task<bool> LoadAsync(Guid taskId, CancellationToken ct)
    {
        var task = await engine.FindTaskAsync(taskId, ct);
        var actor = WorkflowActor.FromPrincipal(User);
        if (task is null || task.DefinitionId != ReviewDefinition.Id || task.CurrentUserId != actor.UserId) return false;
        var rounds = await reviews.RoundsAsync(task.InstanceId, ct);
        if (rounds.Count == 0) return false;
        Task = task;
        var current = rounds[^1];
        Round = current.Number;
        Grid = (await settings.GetAsync(ct)).Grid;
        var content = ReviewService.ContentOf(current);
        Changes = rounds.Count > 1 ? ReviewService.Diff(ReviewService.ContentOf(rounds[^2]), content) : [];
        EarlierScores = (await reviews.ScoresAsync(task.InstanceId, ct)).Where(s => s.Round < Round).ToList();
        var module = new TrainingModule { Id = current.ModuleId, OwnerTenantId = "", Slug = "", PublisherId = current.PublisherId, PublisherName = "Organisme éditeur" };
        Module = CatalogReader.ToPublished(module, new ModuleVersion { Id = current.VersionId, ModuleId = current.ModuleId, Number = current.Number, Content = content });
        return true;
    }
}
