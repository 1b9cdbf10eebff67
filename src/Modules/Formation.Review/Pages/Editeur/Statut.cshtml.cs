using Formation.Catalog;
using Formation.Catalog.Pages.EspaceEditeur;
using Formation.Identity.Data;
using Formation.Review.Data;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Review.Pages.Editeur;

/// <summary>The publisher's view of a module's review: where it stands, and each round's decisions and comments.</summary>
[Authorize(Policy = CatalogModule.PublisherPolicy)]
public sealed class ReviewStatusModel(
    CatalogAuthoring authoring, PublisherContext publisher, IWorkflowEngine engine, ReviewService reviews, ReviewSettingsStore settings,
    UserManager<FormationUser> users) : PageModel
{
    public string Title { get; private set; } = "";
    public WorkflowInstanceDto? Instance { get; private set; }
    public List<ReviewRound> Rounds { get; private set; } = [];
    public List<ReviewScore> Scores { get; private set; } = [];
    public HashSet<string> Reached { get; private set; } = [];
    public bool ShowIdentities { get; private set; }
    public Dictionary<string, string> Names { get; private set; } = [];

    public static readonly (string State, string Label)[] StepLabels =
    [
        (ReviewDefinition.Submitted, "Soumis"), (ReviewDefinition.InReview, "En relecture"), (ReviewDefinition.LeadReview, "Arbitrage"),
        (ReviewDefinition.ChangesRequested, "Modifications demandées"), (ReviewDefinition.Approved, "Approuvé"),
        (ReviewDefinition.Published, "Publié"), (ReviewDefinition.Rejected, "Refusé"),
        (ReviewDefinition.ReReviewDue, "Relecture périodique"), (ReviewDefinition.Retired, "Retiré du catalogue"),
    ];

    public IEnumerable<(string State, string Label)> Steps => StepLabels.Where(s => Reached.Contains(s.State) || s.State == Instance?.State
        || s.State is ReviewDefinition.Submitted or ReviewDefinition.InReview or ReviewDefinition.Published);
    public string StateLabel => StepLabels.FirstOrDefault(s => s.State == Instance?.State).Label ?? Instance?.State ?? "";

    public string DecisionLabel(string decision) => decision switch
    {
        ReviewDefinition.Approve => "approuvé",
        ReviewDefinition.Changes => "modifications demandées",
        ReviewDefinition.Reject => "refusé",
        _ => decision,
    };

    public async Task<IActionResult> OnGetAsync(Guid moduleId, CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null || await authoring.FindOwnAsync(moduleId, institute.Id, ct) is not { } module) return NotFound();
        Title = (module.Draft ?? module.Published ?? module.Versions.MaxBy(v => v.Number)!).Content.Title;
        Instance = await engine.FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, moduleId.ToString(), ct);
        if (Instance is null) return Page();
        Rounds = await reviews.RoundsAsync(Instance.Id, ct);
        Scores = await reviews.ScoresAsync(Instance.Id, ct);
        Reached = (await engine.AuditTrailAsync(Instance.Id, ct)).SelectMany(a => new[] { a.FromState, a.ToState }).OfType<string>().ToHashSet();
        ShowIdentities = (await settings.GetAsync(ct)).ShowReviewerIdentities;
        if (ShowIdentities)
            foreach (var id in Scores.Select(s => s.ReviewerUserId).Distinct())
                if (await users.FindByIdAsync(id) is { } u) Names[id] = u.DisplayName;
        return Page();
    }
}
