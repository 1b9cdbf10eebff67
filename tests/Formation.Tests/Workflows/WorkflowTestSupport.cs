using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Formation.Shell.Events;
using Formation.Shell.Recipes;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Formation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Formation.Tests.Workflows;

/// <summary>Domain events of the workflow engine as handlers received them (through the real outbox).</summary>
public sealed class WorkflowEventLog
{
    public ConcurrentQueue<IDomainEvent> Received { get; } = new();
    public IReadOnlyList<T> Of<T>() => Received.OfType<T>().ToList();
}

internal sealed class RecordingHandler<T>(WorkflowEventLog log) : IDomainEventHandler<T> where T : IDomainEvent
{
    public Task HandleAsync(T domainEvent, CancellationToken cancellationToken)
    {
        log.Received.Enqueue(domainEvent);
        return Task.CompletedTask;
    }
}

/// <summary>A guard of the tests: allows the transition when the instance's data says "ready": true.</summary>
internal sealed class ReadyGuard : IWorkflowGuard
{
    public const string GuardName = "test-ready";
    public string Name => GuardName;
    public string Description => "Le dossier est complet (données « ready »)";

    public Task<WorkflowGuardResult> EvaluateAsync(WorkflowGuardContext context, CancellationToken ct) =>
        Task.FromResult(context.Instance.Data["ready"]?.GetValue<bool>() == true
            ? WorkflowGuardResult.Allow
            : WorkflowGuardResult.Deny("Le dossier n'est pas complet."));
}

public static class WorkflowTestSupport
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The services a workflow test host replaces: a fake clock, the test guard, event recorders.</summary>
    public static void AddTo(IServiceCollection services, TimeProvider time, WorkflowEventLog log)
    {
        services.AddSingleton(time);
        services.AddSingleton(log);
        services.AddScoped<IWorkflowGuard, ReadyGuard>();
        services.AddScoped<IDomainEventHandler<WorkflowStateChanged>, RecordingHandler<WorkflowStateChanged>>();
        services.AddScoped<IDomainEventHandler<WorkflowTaskCreated>, RecordingHandler<WorkflowTaskCreated>>();
        services.AddScoped<IDomainEventHandler<WorkflowTaskReminderDue>, RecordingHandler<WorkflowTaskReminderDue>>();
        services.AddScoped<IDomainEventHandler<WorkflowTaskEscalated>, RecordingHandler<WorkflowTaskEscalated>>();
    }

    /// <summary>A portal with no users (actors of the engine are plain ids and roles).</summary>
    public static Task CreatePortalAsync(FormationFactory factory, string tenantId) => factory.RunRecipeAsync(new RecipeDocument
    {
        Name = "portal-" + tenantId,
        Steps = [TestPortal.Step(new { name = "tenants", tenants = new[] { new { id = tenantId, name = "Portail " + tenantId, hosts = new[] { tenantId + ".test.localhost" } } } })],
    });

    public static Task SaveDefinitionAsync(FormationFactory factory, JsonObject definition) => factory.RunRecipeAsync(new RecipeDocument
    {
        Name = "workflow-" + definition["id"],
        Steps = [TestPortal.Step(new { name = "workflows", definitions = new[] { definition } })],
    });

    /// <summary>
    /// The review-like definition of these tests: a draft submitted (guard, role), screened by a tenant admin, reviewed by
    /// two reviewers who must all decide (reminders, escalation), revised by the publisher who started it, or expiring.
    /// </summary>
    public static JsonObject ReviewDefinition(string id, string reviewDue = "P10D") => JsonNode.Parse($$"""
        {
          "id": "{{id}}",
          "name": "Relecture de test {{id}}",
          "initialState": "draft",
          "states": [
            { "id": "draft", "label": "Brouillon" },
            { "id": "screening", "label": "Recevabilité",
              "task": { "title": "Vérifier la recevabilité", "role": "tenant-admin", "dueIn": 2, "outcomes": ["return", "accept"] } },
            { "id": "review", "label": "En relecture",
              "task": { "title": "Relire le module", "role": "reviewer", "count": 2, "completion": "all", "dueIn": "{{reviewDue}}",
                        "remindersBefore": ["P2D"], "escalateAfter": "P1D", "escalateToRole": "tenant-admin",
                        "outcomes": ["reject", "changes", "approve"] } },
            { "id": "changes-requested", "label": "Modifications demandées",
              "task": { "title": "Réviser le module", "assignee": "starter", "outcomes": ["resubmit"] } },
            { "id": "approved", "label": "Approuvé", "terminal": true },
            { "id": "rejected", "label": "Refusé", "terminal": true },
            { "id": "withdrawn", "label": "Retiré", "terminal": true }
          ],
          "transitions": [
            { "from": "draft", "trigger": "submit", "to": "screening", "label": "Soumettre", "guard": "test-ready", "roles": ["institute-publisher"] },
            { "from": "screening", "trigger": "return", "to": "draft", "label": "Renvoyer" },
            { "from": "screening", "trigger": "accept", "to": "review", "label": "Accepter" },
            { "from": "review", "trigger": "reject", "to": "rejected", "label": "Refuser" },
            { "from": "review", "trigger": "changes", "to": "changes-requested", "label": "Demander des modifications" },
            { "from": "review", "trigger": "approve", "to": "approved", "label": "Approuver" },
            { "from": "review", "trigger": "withdraw", "to": "withdrawn", "label": "Retirer", "roles": ["institute-publisher"] },
            { "from": "changes-requested", "trigger": "resubmit", "to": "screening", "label": "Soumettre à nouveau" },
            { "from": "changes-requested", "trigger": "expire", "to": "withdrawn" }
          ],
          "timers": [ { "state": "changes-requested", "after": "P30D", "trigger": "expire" } ]
        }
        """)!.AsObject();

    /// <summary>Polls until <paramref name="condition"/> holds (10 s at most). Every 2 s it nudges the fake clock by a poll
    /// interval, in case the scheduler went to sleep just as the test advanced the clock.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, FakeTimeProvider? time = null, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var nudge = DateTime.UtcNow.AddSeconds(2);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("Timed out waiting for " + (what ?? "a condition"));
            if (time is not null && DateTime.UtcNow > nudge)
            {
                time.Advance(TimeSpan.FromSeconds(31));
                nudge = DateTime.UtcNow.AddSeconds(2);
            }
            await Task.Delay(50);
        }
    }

    public static Task<T> EngineAsync<T>(this FormationFactory factory, string tenantId, Func<IWorkflowEngine, Task<T>> action) =>
        factory.InTenantAsync(tenantId, sp => action(sp.GetRequiredService<IWorkflowEngine>()));

    public static async Task<IReadOnlyList<WorkflowAuditEntryDto>> AuditAsync(this FormationFactory factory, string tenantId, Guid instanceId) =>
        await factory.EngineAsync(tenantId, engine => engine.AuditTrailAsync(instanceId));

    /// <summary>Outbox rows of an event type mentioning a value (what the engine produced, delivered or not).</summary>
    public static async Task<int> OutboxCountAsync<T>(this FormationFactory factory, string mention)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShellDbContext>();
        var type = EventTypes.NameOf(typeof(T));
        return await db.Outbox.CountAsync(m => m.Type == type && m.Payload.Contains(mention));
    }

    public static WorkflowTimerScheduler Scheduler(this FormationFactory factory) => factory.Services.GetRequiredService<WorkflowTimerScheduler>();
}
