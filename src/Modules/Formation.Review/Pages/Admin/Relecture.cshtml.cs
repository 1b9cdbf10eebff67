using Formation.Identity.Data;
using Formation.Review.Data;
using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Review.Pages.Admin;

/// <summary>The operators' view of the review: modules per state, median time to decision, approval rate, overdue reviews.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class ReviewDashboardModel(IWorkflowEngine engine, ReviewDbContext db, UserManager<FormationUser> users, TimeProvider time) : PageModel
{
    public int Total { get; private set; }
    public List<(string Label, int Count)> ByState { get; private set; } = [];
    public double? MedianDays { get; private set; }
    public double? ApprovalRate { get; private set; }
    public List<(string Module, string Task, string Assignee, DateTimeOffset Due)> Overdue { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var instances = await engine.InstancesAsync(ReviewDefinition.Id, ct);
        Total = instances.Count;
        ByState = instances.GroupBy(i => i.StateLabel).Select(g => (g.Key, g.Count())).OrderByDescending(s => s.Item2).ToList();

        var decided = await db.Rounds.AsNoTracking().Where(r => r.DecidedUtc != null).Select(r => new { r.SubmittedUtc, r.DecidedUtc, r.Outcome }).ToListAsync(ct);
        var days = decided.Select(r => (r.DecidedUtc!.Value - r.SubmittedUtc).TotalDays).Order().ToList();
        MedianDays = days.Count == 0 ? null : days.Count % 2 == 1 ? days[days.Count / 2] : (days[days.Count / 2 - 1] + days[days.Count / 2]) / 2;
        ApprovalRate = decided.Count == 0 ? null : decided.Count(r => r.Outcome is ReviewDefinition.Approved or ReviewDefinition.Published) / (double)decided.Count;

        var now = time.GetUtcNow();
        var titles = instances.ToDictionary(i => i.Id, i => i.Data["title"]?.GetValue<string>() ?? "");
        foreach (var task in (await engine.OpenTasksAsync(ReviewDefinition.Id, ct)).Where(t => t.DueUtc < now))
        {
            var assignee = task.CurrentUserId is { } id && await users.FindByIdAsync(id) is { } u ? u.DisplayName : "Non attribuée";
            Overdue.Add((titles.GetValueOrDefault(task.InstanceId, ""), task.Title, assignee, task.DueUtc!.Value));
        }
    }
}
