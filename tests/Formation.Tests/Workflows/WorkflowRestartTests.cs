using System.Text.Json.Nodes;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Microsoft.Extensions.Time.Testing;
using static Formation.Tests.Workflows.WorkflowTestSupport;
using A = Formation.Workflows.Contracts.WorkflowAuditActions;

namespace Formation.Tests.Workflows;

/// <summary>Pending timers are rows: stop the host, start another on the same data, and they still fire, once.</summary>
[Trait("Category", "Integration")]
public sealed class WorkflowRestartTests
{
    private const string Tenant = "wf-redemarrage";
    private const string Definition = "relance-escalade";

    private static JsonObject ReminderDefinition() => JsonNode.Parse($$"""
        {
          "id": "{{Definition}}",
          "name": "Relance et escalade",
          "initialState": "review",
          "states": [
            { "id": "review", "label": "En relecture",
              "task": { "title": "Relire", "role": "reviewer", "dueIn": "P3D", "remindersBefore": ["P1D"], "escalateAfter": "P1D", "escalateToRole": "tenant-admin", "outcomes": ["approve"] } },
            { "id": "approved", "label": "Approuvé", "terminal": true }
          ],
          "transitions": [ { "from": "review", "trigger": "approve", "to": "approved" } ]
        }
        """)!.AsObject();

    [Fact]
    public async Task A_reminder_and_an_escalation_fire_once_each_and_still_fire_after_a_restart()
    {
        var time = new FakeTimeProvider(Start);
        var events = new WorkflowEventLog();
        var reviewer = new WorkflowActor("reviewer-1", ["reviewer"]);
        Guid early, late;

        // First host: A starts; its reminder fires (day 2); B starts on day 2 and nothing of B is due yet.
        var first = new FormationFactory { TestServices = s => AddTo(s, time, events), KeepData = true };
        try
        {
            await CreatePortalAsync(first, Tenant);
            await SaveDefinitionAsync(first, ReminderDefinition());
            early = (await first.EngineAsync(Tenant, e => e.StartAsync(new StartWorkflow(Definition, "module", "a"), WorkflowActor.System))).Id;
            var task = (await first.EngineAsync(Tenant, e => e.TasksOfInstanceAsync(early))).Single();
            await first.EngineAsync(Tenant, e => e.ClaimAsync(task.Id, reviewer));

            time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
            await WaitForAsync(async () => (await first.AuditAsync(Tenant, early)).Any(a => a.Action == A.TaskReminder), time, "A's reminder");
            late = (await first.EngineAsync(Tenant, e => e.StartAsync(new StartWorkflow(Definition, "module", "b"), WorkflowActor.System))).Id;
            Assert.Equal(0, await first.Scheduler().RunDueTimersAsync());
        }
        finally { await first.DisposeAsync(); }

        // Second host on the same data: A's escalation (day 4), B's reminder (day 4) and escalation (day 6) fire here.
        await using var second = FormationFactory.Restart(first);
        _ = second.Services; // start it: the scheduler polls at start
        time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(2));
        await WaitForAsync(async () => (await second.AuditAsync(Tenant, early)).Any(a => a.Action == A.TaskEscalated)
                                       && (await second.AuditAsync(Tenant, late)).Any(a => a.Action == A.TaskReminder), time, "A's escalation and B's reminder");
        time.Advance(TimeSpan.FromDays(2));
        await WaitForAsync(async () => (await second.AuditAsync(Tenant, late)).Any(a => a.Action == A.TaskEscalated), time, "B's escalation");
        time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await second.Scheduler().RunDueTimersAsync());

        foreach (var instance in new[] { early, late })
        {
            var trail = await second.AuditAsync(Tenant, instance);
            Assert.Equal(
                instance == early
                    ? [A.Started, A.TaskCreated, A.TaskClaimed, A.TaskReminder, A.TaskEscalated]
                    : [A.Started, A.TaskCreated, A.TaskReminder, A.TaskEscalated],
                trail.Select(a => a.Action));
            Assert.Equal(1, await second.OutboxCountAsync<WorkflowTaskReminderDue>(instance.ToString()));
            Assert.Equal(1, await second.OutboxCountAsync<WorkflowTaskEscalated>(instance.ToString()));
        }
        var earlyTrail = await second.AuditAsync(Tenant, early);
        Assert.InRange(earlyTrail[3].At, Start.AddDays(2), Start.AddDays(3));   // the reminder fired before the restart
        Assert.True(earlyTrail[4].At >= Start.AddDays(4));                        // the escalation after it
        var escalated = (await second.EngineAsync(Tenant, e => e.TasksOfInstanceAsync(early))).Single();
        Assert.Equal(("tenant-admin", (string?)null, true), (escalated.Role, escalated.ClaimedBy, escalated.Escalated));

        // Every event reaches its handlers (the outbox survives the restart too).
        await WaitForAsync(() => Task.FromResult(
            events.Of<WorkflowTaskReminderDue>().Select(e => e.InstanceId).Distinct().Count() == 2
            && events.Of<WorkflowTaskEscalated>().Select(e => e.InstanceId).Distinct().Count() == 2), what: "events delivered");
    }
}
