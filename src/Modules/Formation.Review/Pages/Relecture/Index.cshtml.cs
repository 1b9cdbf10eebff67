using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Review.Pages.Relecture;

/// <summary>The reviewer's inbox: their open review tasks, overdue first, then by due date.</summary>
[Authorize(Roles = Roles.Reviewer)]
public sealed class InboxModel(IWorkflowEngine engine, TimeProvider time) : PageModel
{
    public IReadOnlyList<(WorkflowTaskDto Task, string Module, bool Overdue)> Tasks { get; private set; } = [];
    /// <summary>The confirmation of the review just handed in (set by the review screen).</summary>
    [Microsoft.AspNetCore.Mvc.TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tasks = await engine.TasksForActorAsync(WorkflowActor.FromPrincipal(User), ReviewDefinition.Id, ct);
        var rows = new List<(WorkflowTaskDto, string, bool)>();
        foreach (var task in tasks)
        {
            var instance = await engine.FindAsync(task.InstanceId, ct);
            rows.Add((task, instance?.Data["title"]?.GetValue<string>() ?? "", task.DueUtc < now));
        }
        Tasks = rows.OrderByDescending(r => r.Item3).ThenBy(r => r.Item1.DueUtc ?? DateTimeOffset.MaxValue).ToList();
    }
}
