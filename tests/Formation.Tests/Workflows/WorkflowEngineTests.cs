using System.Text.Json.Nodes;
using Formation.Shell.Validation;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Formation.Workflows.Data;
using Formation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Formation.Tests.Workflows.WorkflowTestSupport;
using A = Formation.Workflows.Contracts.WorkflowAuditActions;

namespace Formation.Tests.Workflows;

/// <summary>One host for the engine tests: a fake clock the tests advance, the test guard, event recorders.</summary>
public sealed class WorkflowHost : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(Start);
    public WorkflowEventLog Events { get; } = new();
    public FormationFactory Factory { get; }

    public WorkflowHost() => Factory = new FormationFactory { TestServices = services => AddTo(services, Time, Events) };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class WorkflowCollection : ICollectionFixture<WorkflowHost>
{
    public const string Name = "workflows";
}

/// <summary>The engine on a real database: transitions with roles and guards, human tasks, parallel decisions, races, timers, audit.</summary>
[Collection(WorkflowCollection.Name), Trait("Category", "Integration")]
public sealed class WorkflowEngineTests(WorkflowHost host) : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private string Tenant => "wf-" + _suffix;
    private string DefinitionId => "relecture-" + _suffix;
    private FormationFactory Factory => host.Factory;

    private static readonly WorkflowActor Publisher = new("publisher-1", ["institute-publisher"]);
    private static readonly WorkflowActor Admin = new("admin-1", ["tenant-admin"]);
    private static readonly WorkflowActor Admin2 = new("admin-2", ["tenant-admin"]);
    private static readonly WorkflowActor Reviewer1 = new("reviewer-1", ["reviewer"]);
    private static readonly WorkflowActor Reviewer2 = new("reviewer-2", ["reviewer"]);
    private static readonly WorkflowActor Reviewer3 = new("reviewer-3", ["reviewer"]);
    private static readonly WorkflowActor Learner = new("learner-1", ["learner"]);

    public async Task InitializeAsync()
    {
        await CreatePortalAsync(Factory, Tenant);
        await SaveDefinitionAsync(Factory, ReviewDefinition(DefinitionId));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<T> Engine<T>(Func<IWorkflowEngine, Task<T>> action) => Factory.EngineAsync(Tenant, action);

    private Task<WorkflowInstanceDto> StartAsync(string? correlation = null, bool ready = true) =>
        Engine(e => e.StartAsync(new StartWorkflow(DefinitionId, "module", correlation ?? Guid.NewGuid().ToString(), new JsonObject { ["ready"] = ready }), Publisher));

    /// <summary>Draft → screening → review, with the two review tasks open.</summary>
    private async Task<(WorkflowInstanceDto Instance, IReadOnlyList<WorkflowTaskDto> Tasks)> InReviewAsync()
    {
        var instance = await StartAsync();
        await Engine(e => e.FireAsync(instance.Id, "submit", Publisher));
        var screening = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
        await Engine(e => e.DecideAsync(screening.Id, "accept", "Recevable.", Admin));
        var tasks = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Where(t => t.IsOpen).ToList();
        return ((await Engine(e => e.FindAsync(instance.Id)))!, tasks);
    }

    private static async Task<string> RefusedAsync(Func<Task> action) => (await Assert.ThrowsAsync<ValidationFailedException>(action)).Message;

    [Fact]
    public async Task A_transition_needs_its_role_and_its_guard()
    {
        var instance = await StartAsync(ready: false);
        Assert.Equal("draft", instance.State);
        Assert.Equal(1, instance.DefinitionVersion);

        Assert.Contains("réservé aux rôles : Éditeur·rice d'organisme de formation", await RefusedAsync(() => Engine(e => e.FireAsync(instance.Id, "submit", Learner))));
        Assert.Contains("Le dossier n'est pas complet.", await RefusedAsync(() => Engine(e => e.FireAsync(instance.Id, "submit", Publisher))));
        Assert.Empty(await Engine(e => e.AvailableActionsAsync(instance.Id, Publisher)));
        Assert.Contains("n'est pas possible depuis l'état « Brouillon »", await RefusedAsync(() => Engine(e => e.FireAsync(instance.Id, "approve", Publisher))));

        await Engine(e => e.UpdateDataAsync(instance.Id, new Dictionary<string, JsonNode?> { ["ready"] = true }, Publisher));
        var action = Assert.Single(await Engine(e => e.AvailableActionsAsync(instance.Id, Publisher)));
        Assert.Equal(("submit", "Soumettre", "Recevabilité"), (action.Trigger, action.Label, action.ToStateLabel));
        var moved = await Engine(e => e.FireAsync(instance.Id, "submit", Publisher, "Prêt pour relecture"));
        Assert.Equal("screening", moved.State);
        Assert.True(moved.Revision > instance.Revision);

        // A task's outcome is decided through the task, never fired directly.
        Assert.Contains("se décide par la tâche « Vérifier la recevabilité »", await RefusedAsync(() => Engine(e => e.FireAsync(instance.Id, "accept", Admin))));
        // A stale revision is refused.
        Assert.Contains("modifié par quelqu'un d'autre", await RefusedAsync(() => Engine(e => e.FireAsync(instance.Id, "return", Admin, expectedRevision: instance.Revision))));
    }

    [Fact]
    public async Task The_audit_trail_lists_every_step_and_the_state_changes_reach_other_modules()
    {
        var (instance, tasks) = await InReviewAsync();
        Assert.Equal("review", instance.State);
        Assert.Equal(2, tasks.Count);
        await Engine(e => e.ClaimAsync(tasks[0].Id, Reviewer1));
        await Engine(e => e.ReleaseAsync(tasks[0].Id, Reviewer1));
        await Engine(e => e.ClaimAsync(tasks[0].Id, Reviewer2));
        var first = await Engine(e => e.DecideAsync(tasks[0].Id, "approve", "Très bon module.", Reviewer2));
        Assert.False(first.StateCompleted);
        Assert.Equal("review", first.Instance.State);
        var second = await Engine(e => e.DecideAsync(tasks[1].Id, "approve", "Conforme à la grille.", Reviewer1));
        Assert.True(second.StateCompleted);
        Assert.Equal("approved", second.Instance.State);
        Assert.True(second.Instance.IsCompleted);

        var trail = await Factory.AuditAsync(Tenant, instance.Id);
        var lines = trail.Select(a => $"{a.Action}|{a.Actor}|{a.FromState}|{a.ToState}|{a.Trigger}|{a.Comment}").ToList();
        Assert.Equal(
        [
            $"{A.Started}|publisher-1||draft||",
            $"{A.Transition}|publisher-1|draft|screening|submit|",
            $"{A.TaskCreated}|publisher-1||screening||Ouverte au rôle « Administrateur·rice du portail ».",
            $"{A.TaskDecided}|admin-1|screening||accept|Recevable.",
            $"{A.Transition}|admin-1|screening|review|accept|",
            $"{A.TaskCreated}|admin-1||review||Ouverte au rôle « Expert·e évaluateur·rice ».",
            $"{A.TaskCreated}|admin-1||review||Ouverte au rôle « Expert·e évaluateur·rice ».",
            $"{A.TaskClaimed}|reviewer-1|review|||",
            $"{A.TaskReleased}|reviewer-1|review|||",
            $"{A.TaskClaimed}|reviewer-2|review|||",
            $"{A.TaskDecided}|reviewer-2|review||approve|Très bon module.",
            $"{A.TaskDecided}|reviewer-1|review||approve|Conforme à la grille.",
            $"{A.Transition}|reviewer-1|review|approved|approve|",
            $"{A.Completed}|reviewer-1||approved||",
        ], lines);
        Assert.All(trail, a => Assert.Equal(host.Time.GetUtcNow(), a.At));
        Assert.True(trail.Zip(trail.Skip(1)).All(p => p.First.Id < p.Second.Id));

        await WaitForAsync(() => Task.FromResult(host.Events.Of<WorkflowStateChanged>().Count(e => e.InstanceId == instance.Id) == 3), what: "state changes");
        var changes = host.Events.Of<WorkflowStateChanged>().Where(e => e.InstanceId == instance.Id).ToList();
        Assert.Equal(["draft→screening", "screening→review", "review→approved"], changes.Select(c => $"{c.FromState}→{c.ToState}"));
        Assert.True(changes[^1].Completed);
        Assert.Equal(("module", instance.CorrelationId, DefinitionId), (changes[^1].CorrelationType, changes[^1].CorrelationId, changes[^1].DefinitionId));
    }

    [Fact]
    public async Task The_audit_trail_cannot_be_changed_or_deleted()
    {
        var instance = await StartAsync();
        await Factory.InTenantAsync(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<WorkflowsDbContext>();
            var entry = await db.Audit.FirstAsync(a => a.InstanceId == instance.Id);
            entry.Comment = "réécrit";
            Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
            db.ChangeTracker.Clear();
            // The database refuses too, whatever the code does.
            await Assert.ThrowsAnyAsync<Exception>(() => db.Audit.Where(a => a.InstanceId == instance.Id).ExecuteDeleteAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => db.Audit.Where(a => a.InstanceId == instance.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Comment, "réécrit")));
            return true;
        });
        Assert.Single(await Factory.AuditAsync(Tenant, instance.Id));
    }

    [Fact]
    public async Task Only_the_right_people_claim_release_and_decide_tasks()
    {
        var instance = await StartAsync();
        await Engine(e => e.FireAsync(instance.Id, "submit", Publisher));
        var screening = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
        Assert.Equal(["return", "accept"], screening.Outcomes.Select(o => o.Outcome));
        Assert.Equal(["Renvoyer", "Accepter"], screening.Outcomes.Select(o => o.Label));
        Assert.Equal(host.Time.GetUtcNow().AddDays(2), screening.DueUtc);

        Assert.Contains("réservée au rôle « Administrateur·rice du portail »", await RefusedAsync(() => Engine(e => e.ClaimAsync(screening.Id, Reviewer1))));
        Assert.Contains("réservée au rôle", await RefusedAsync(() => Engine(e => e.DecideAsync(screening.Id, "accept", null, Publisher))));
        Assert.Contains(await Engine(e => e.TasksForActorAsync(Admin)), t => t.Id == screening.Id);
        Assert.DoesNotContain(await Engine(e => e.TasksForActorAsync(Reviewer1)), t => t.Id == screening.Id);

        await Engine(e => e.ClaimAsync(screening.Id, Admin));
        Assert.Equal(Admin.UserId, (await Engine(e => e.ClaimAsync(screening.Id, Admin))).ClaimedBy); // claiming again changes nothing
        Assert.Contains("prise en charge par une autre personne", await RefusedAsync(() => Engine(e => e.ClaimAsync(screening.Id, Admin2))));
        Assert.Contains("prise en charge par une autre personne", await RefusedAsync(() => Engine(e => e.DecideAsync(screening.Id, "accept", null, Admin2))));
        Assert.Contains("Vous n'avez pas pris cette tâche en charge", await RefusedAsync(() => Engine(e => e.ReleaseAsync(screening.Id, Admin2))));
        Assert.DoesNotContain(await Engine(e => e.TasksForActorAsync(Admin2)), t => t.Id == screening.Id);
        Assert.Contains("Décision inconnue « approve »", await RefusedAsync(() => Engine(e => e.DecideAsync(screening.Id, "approve", null, Admin))));

        await Engine(e => e.ReleaseAsync(screening.Id, Admin));
        var decided = await Engine(e => e.DecideAsync(screening.Id, "return", "Pièces manquantes.", Admin2)); // decides without claiming first
        Assert.Equal(("return", "Pièces manquantes.", Admin2.UserId, WorkflowTaskStatus.Completed), (decided.Task.Outcome, decided.Task.Comment, decided.Task.DecidedBy, decided.Task.Status));
        Assert.Equal("draft", decided.Instance.State);
        Assert.Contains("déjà été décidée", await RefusedAsync(() => Engine(e => e.DecideAsync(screening.Id, "accept", null, Admin))));
        Assert.Contains("déjà été décidée", await RefusedAsync(() => Engine(e => e.ClaimAsync(screening.Id, Admin))));

        // A task assigned to a person ("starter": who started the workflow) is theirs alone.
        await Engine(e => e.FireAsync(instance.Id, "submit", Publisher));
        var again = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
        await Engine(e => e.DecideAsync(again.Id, "accept", null, Admin));
        var reviews = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Where(t => t.IsOpen).ToList();
        await Engine(e => e.DecideAsync(reviews[0].Id, "changes", "Revoir la séquence 2.", Reviewer1));
        await Engine(e => e.DecideAsync(reviews[1].Id, "approve", null, Reviewer2));
        var revision = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
        Assert.Equal(("Réviser le module", Publisher.UserId, (string?)null), (revision.Title, revision.AssigneeUserId, revision.Role));
        Assert.Contains("confiée à une autre personne", await RefusedAsync(() => Engine(e => e.ClaimAsync(revision.Id, new WorkflowActor("publisher-2", ["institute-publisher"])))));
        Assert.Contains(await Engine(e => e.TasksForActorAsync(Publisher)), t => t.Id == revision.Id);
        var resubmitted = await Engine(e => e.DecideAsync(revision.Id, "resubmit", null, Publisher));
        Assert.Equal("screening", resubmitted.Instance.State);
    }

    [Fact]
    public async Task Parallel_tasks_need_two_different_people_and_the_most_restrictive_outcome_wins()
    {
        var (instance, tasks) = await InReviewAsync();
        Assert.All(tasks, t => Assert.Equal(("reviewer", host.Time.GetUtcNow().AddDays(10)), (t.Role, t.DueUtc)));
        Assert.Equal(2, (await Engine(e => e.TasksForActorAsync(Reviewer1))).Count(t => t.InstanceId == instance.Id));

        await Engine(e => e.ClaimAsync(tasks[0].Id, Reviewer1));
        // One person, one task of a state: the other slot is for someone else.
        Assert.Contains("Vous avez déjà une tâche à cette étape", await RefusedAsync(() => Engine(e => e.ClaimAsync(tasks[1].Id, Reviewer1))));
        Assert.Contains("Vous avez déjà une tâche à cette étape", await RefusedAsync(() => Engine(e => e.DecideAsync(tasks[1].Id, "approve", null, Reviewer1))));
        Assert.Equal([tasks[0].Id], (await Engine(e => e.TasksForActorAsync(Reviewer1))).Where(t => t.InstanceId == instance.Id).Select(t => t.Id));

        var first = await Engine(e => e.DecideAsync(tasks[0].Id, "approve", null, Reviewer1));
        Assert.False(first.StateCompleted);
        Assert.Contains("Vous avez déjà une tâche à cette étape", await RefusedAsync(() => Engine(e => e.DecideAsync(tasks[1].Id, "approve", null, Reviewer1))));
        var second = await Engine(e => e.DecideAsync(tasks[1].Id, "changes", "Compléter la bibliographie.", Reviewer3));
        Assert.True(second.StateCompleted);
        Assert.Equal("changes-requested", second.Instance.State); // "changes" is listed before "approve"

        // A manual transition leaving a task state cancels its open tasks.
        var (other, otherTasks) = await InReviewAsync();
        await Engine(e => e.DecideAsync(otherTasks[0].Id, "approve", null, Reviewer1));
        Assert.Contains("réservé aux rôles", await RefusedAsync(() => Engine(e => e.FireAsync(other.Id, "withdraw", Reviewer2))));
        var withdrawn = await Engine(e => e.FireAsync(other.Id, "withdraw", Publisher, "Module retiré par l'organisme."));
        Assert.Equal("withdrawn", withdrawn.State);
        var all = await Engine(e => e.TasksOfInstanceAsync(other.Id));
        Assert.Equal([WorkflowTaskStatus.Completed, WorkflowTaskStatus.Cancelled], all.Where(t => t.State == "review").Select(t => t.Status));
        Assert.Contains("Cette tâche n'est plus ouverte", await RefusedAsync(() => Engine(e => e.DecideAsync(otherTasks[1].Id, "approve", null, Reviewer2))));
        Assert.Contains("Ce workflow est terminé", await RefusedAsync(() => Engine(e => e.FireAsync(other.Id, "withdraw", Publisher))));
    }

    [Fact]
    public async Task Tasks_assigned_from_the_data_go_one_to_each_person_named()
    {
        var id = "experts-" + _suffix;
        await SaveDefinitionAsync(Factory, JsonNode.Parse($$"""
            {
              "id": "{{id}}", "name": "Relecture par des experts désignés", "initialState": "review",
              "states": [
                { "id": "review", "label": "En relecture",
                  "task": { "title": "Rendre un avis", "assignee": "data.reviewers", "completion": "all", "outcomes": ["reject", "approve"] } },
                { "id": "approved", "label": "Approuvé", "terminal": true },
                { "id": "rejected", "label": "Refusé", "terminal": true }
              ],
              "transitions": [
                { "from": "review", "trigger": "approve", "to": "approved" },
                { "from": "review", "trigger": "reject", "to": "rejected" }
              ]
            }
            """)!.AsObject());

        var nobody = await RefusedAsync(() => Engine(e => e.StartAsync(new StartWorkflow(id, "module", "m1"), Admin)));
        Assert.Contains("Personne n'est désigné pour la tâche « Rendre un avis » (data.reviewers)", nobody);
        Assert.Null(await Engine(e => e.FindByCorrelationAsync(id, "module", "m1"))); // nothing was left behind

        var data = new JsonObject { ["reviewers"] = new JsonArray("reviewer-1", "reviewer-3", "reviewer-1") };
        var instance = await Engine(e => e.StartAsync(new StartWorkflow(id, "module", "m1", data), Admin));
        var tasks = await Engine(e => e.TasksOfInstanceAsync(instance.Id));
        Assert.Equal(["reviewer-1", "reviewer-3"], tasks.Select(t => t.AssigneeUserId));
        Assert.All(tasks, t => Assert.Null(t.Role));
        Assert.Contains("confiée à une autre personne", await RefusedAsync(() => Engine(e => e.DecideAsync(tasks[0].Id, "approve", null, Reviewer2))));
        Assert.Equal([tasks[1].Id], (await Engine(e => e.TasksForActorAsync(Reviewer3))).Where(t => t.InstanceId == instance.Id).Select(t => t.Id));

        Assert.False((await Engine(e => e.DecideAsync(tasks[1].Id, "approve", null, Reviewer3))).StateCompleted);
        var done = await Engine(e => e.DecideAsync(tasks[0].Id, "reject", "Hors sujet.", Reviewer1));
        Assert.Equal(("rejected", true), (done.Instance.State, done.StateCompleted));
        Assert.Equal(instance.Id, (await Engine(e => e.FindByCorrelationAsync(id, "module", "m1")))!.Id); // the latest finished one
        var again = await Engine(e => e.StartAsync(new StartWorkflow(id, "module", "m1", data), Admin)); // a finished instance frees the item
        Assert.NotEqual(instance.Id, again.Id);
    }

    [Fact]
    public async Task Two_people_deciding_one_task_at_once_cannot_both_win()
    {
        for (var round = 0; round < 3; round++)
        {
            var instance = await StartAsync();
            await Engine(e => e.FireAsync(instance.Id, "submit", Publisher));
            var task = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
            using var gate = new ManualResetEventSlim();
            var racers = new[] { (Admin, "accept"), (Admin2, "return") }.Select(r => Task.Run(async () =>
            {
                gate.Wait();
                try { return (Outcome: (await Engine(e => e.DecideAsync(task.Id, r.Item2, null, r.Item1))).Task.Outcome, Error: (string?)null); }
                catch (ValidationFailedException ex) { return (Outcome: (string?)null, Error: ex.Message); }
            })).ToArray();
            gate.Set();
            var results = await Task.WhenAll(racers);

            var winner = Assert.Single(results, r => r.Error is null);
            var loser = Assert.Single(results, r => r.Error is not null);
            // The loser may also read the instance after the winner moved it: its action no longer leaves the current state.
            Assert.Matches("déjà été décidée|n'est plus ouverte|prise en charge par une autre personne|modifié par quelqu'un d'autre|n'est pas possible depuis l'état", loser.Error!);
            var trail = await Factory.AuditAsync(Tenant, instance.Id);
            Assert.Single(trail, a => a.Action == A.TaskDecided);
            Assert.Equal(2, trail.Count(a => a.Action == A.Transition));
            Assert.Equal(winner.Outcome == "accept" ? "review" : "draft", (await Engine(e => e.FindAsync(instance.Id)))!.State);
        }
    }

    [Fact]
    public async Task The_concurrency_token_refuses_a_change_made_from_a_stale_read()
    {
        var instance = await StartAsync();
        await Factory.InTenantAsync(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<WorkflowsDbContext>();
            var stale = await db.Instances.FirstAsync(i => i.Id == instance.Id);
            await Engine(e => e.FireAsync(instance.Id, "submit", Publisher)); // another scope moves on
            stale.State = "approved";
            stale.Revision++;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
            return true;
        });
        Assert.Equal("screening", (await Engine(e => e.FindAsync(instance.Id)))!.State);
    }

    [Fact]
    public async Task One_running_instance_per_item_and_each_instance_keeps_its_definition_version()
    {
        var correlation = Guid.NewGuid().ToString();
        var first = await StartAsync(correlation);
        Assert.Contains("déjà en cours pour cet élément", await RefusedAsync(() => StartAsync(correlation)));
        Assert.Equal(first.Id, (await Engine(e => e.FindByCorrelationAsync(DefinitionId, "module", correlation)))!.Id);

        // Version 2 renames the draft and drops the guard: the running instance still follows version 1.
        var v2 = ReviewDefinition(DefinitionId);
        v2["states"]![0]!["label"] = "Brouillon (v2)";
        v2["transitions"]![0]!.AsObject().Remove("guard");
        await SaveDefinitionAsync(Factory, v2);
        await SaveDefinitionAsync(Factory, v2); // the same text again saves nothing
        var versions = await Factory.InTenantAsync(Tenant, sp => sp.GetRequiredService<IWorkflowDefinitions>().VersionsAsync(DefinitionId));
        Assert.Equal([2, 1], versions.Select(v => v.Version));

        await Engine(e => e.UpdateDataAsync(first.Id, new Dictionary<string, JsonNode?> { ["ready"] = false }, Publisher));
        Assert.Contains("Le dossier n'est pas complet.", await RefusedAsync(() => Engine(e => e.FireAsync(first.Id, "submit", Publisher))));
        Assert.Equal(("Brouillon", 1), ((await Engine(e => e.FindAsync(first.Id)))!.StateLabel, first.DefinitionVersion));

        var second = await StartAsync(ready: false);
        Assert.Equal((2, "Brouillon (v2)"), (second.DefinitionVersion, second.StateLabel));
        Assert.Equal("screening", (await Engine(e => e.FireAsync(second.Id, "submit", Publisher))).State);
    }

    [Fact]
    public async Task A_portal_never_sees_nor_moves_another_portals_workflows()
    {
        var instance = await StartAsync();
        var other = "wf-autre-" + _suffix;
        await CreatePortalAsync(Factory, other);
        Assert.Null(await Factory.EngineAsync(other, e => e.FindAsync(instance.Id)));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.EngineAsync(other, e => e.FireAsync(instance.Id, "submit", Publisher)));
        Assert.Contains("introuvable sur ce portail", refused.Message);
        await Engine(e => e.FireAsync(instance.Id, "submit", Publisher));
        var task = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Single(t => t.IsOpen);
        Assert.Empty(await Factory.EngineAsync(other, e => e.TasksForActorAsync(Admin)));
        refused = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.EngineAsync(other, e => e.DecideAsync(task.Id, "accept", null, Admin)));
        Assert.Contains("introuvable sur ce portail", refused.Message);
    }

    [Fact]
    public async Task Reminders_and_escalations_fire_once_each_from_the_background_scheduler()
    {
        var (instance, tasks) = await InReviewAsync();
        var due = host.Time.GetUtcNow().AddDays(10);
        await Engine(e => e.ClaimAsync(tasks[0].Id, Reviewer1));
        var mention = instance.Id.ToString();

        // 8 days later the reminders (2 days before the due date) fire: one per task, to whoever is on it.
        host.Time.Advance(TimeSpan.FromDays(8) + TimeSpan.FromMinutes(1));
        await WaitForAsync(async () => (await Factory.AuditAsync(Tenant, instance.Id)).Count(a => a.Action == A.TaskReminder) == 2, host.Time, "reminders");
        await Factory.Scheduler().RunDueTimersAsync(); // other tests' timers may be due too: what counts is that ours do not fire again
        await WaitForAsync(() => Task.FromResult(host.Events.Of<WorkflowTaskReminderDue>().Count(e => e.InstanceId == instance.Id) == 2), what: "reminder events");
        var reminders = host.Events.Of<WorkflowTaskReminderDue>().Where(e => e.InstanceId == instance.Id).OrderBy(e => e.TaskId == tasks[0].Id ? 0 : 1).ToList();
        Assert.Equal((tasks[0].Id, Reviewer1.UserId, "reviewer"), (reminders[0].TaskId, reminders[0].UserId, reminders[0].Role));
        Assert.Equal((tasks[1].Id, (string?)null), (reminders[1].TaskId, reminders[1].UserId));
        Assert.Equal(due, reminders[0].DueUtc);

        // The due date passes, then a day more: the escalations fire and give the tasks back to the tenant admins.
        host.Time.Advance(TimeSpan.FromDays(3));
        await WaitForAsync(async () => (await Factory.AuditAsync(Tenant, instance.Id)).Count(a => a.Action == A.TaskEscalated) == 2, host.Time, "escalations");
        await Factory.Scheduler().RunDueTimersAsync(); // other tests' timers may be due too: what counts is that ours do not fire again
        var escalated = (await Engine(e => e.TasksOfInstanceAsync(instance.Id))).Where(t => t.IsOpen).ToList();
        Assert.All(escalated, t => Assert.Equal(("tenant-admin", (string?)null, WorkflowTaskStatus.Open, true), (t.Role, t.ClaimedBy, t.Status, t.Escalated)));
        Assert.Contains(await Engine(e => e.TasksForActorAsync(Admin)), t => t.Id == tasks[0].Id);

        await WaitForAsync(() => Task.FromResult(host.Events.Of<WorkflowTaskEscalated>().Count(e => e.InstanceId == instance.Id) == 2), what: "escalation events");
        var escalation = host.Events.Of<WorkflowTaskEscalated>().Single(e => e.TaskId == tasks[0].Id);
        Assert.Equal(("reviewer", "tenant-admin", Reviewer1.UserId), (escalation.FromRole, escalation.ToRole, escalation.PreviousUserId));
        Assert.Equal(2, await Factory.OutboxCountAsync<WorkflowTaskReminderDue>(mention));
        Assert.Equal(2, await Factory.OutboxCountAsync<WorkflowTaskEscalated>(mention));

        // Nothing more fires, however late it gets.
        host.Time.Advance(TimeSpan.FromDays(60));
        await Factory.Scheduler().RunDueTimersAsync(); // other tests' timers may be due too: what counts is that ours do not fire again
        var trail = await Factory.AuditAsync(Tenant, instance.Id);
        Assert.Equal(2, trail.Count(a => a.Action == A.TaskReminder));
        Assert.Equal(2, trail.Count(a => a.Action == A.TaskEscalated));
        Assert.All(trail.Where(a => a.Action is A.TaskReminder or A.TaskEscalated), a => Assert.Equal(WorkflowActor.SystemId, a.Actor));
    }

    [Fact]
    public async Task Two_nodes_firing_one_timer_at_once_fire_it_once()
    {
        var (instance, _) = await InReviewAsync();
        var timers = await Factory.InTenantAsync(Tenant, sp => sp.GetRequiredService<WorkflowsDbContext>().Timers
            .Where(t => t.InstanceId == instance.Id && t.Kind == TimerKind.Reminder).Select(t => t.Id).ToListAsync());
        Assert.Equal(2, timers.Count);
        using var gate = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            gate.Wait();
            return Factory.InTenantAsync(Tenant, sp => sp.GetRequiredService<WorkflowEngine>().FireTimerAsync(timers[0], CancellationToken.None));
        })).ToArray();
        gate.Set();
        Assert.Equal([false, true], (await Task.WhenAll(racers)).Order());
        Assert.Single(await Factory.AuditAsync(Tenant, instance.Id), a => a.Action == A.TaskReminder);
        Assert.Equal(1, await Factory.OutboxCountAsync<WorkflowTaskReminderDue>(instance.Id.ToString()));
    }

    [Fact]
    public async Task A_timed_transition_fires_once_and_timers_of_a_state_left_never_fire()
    {
        var (instance, tasks) = await InReviewAsync();
        await Engine(e => e.DecideAsync(tasks[0].Id, "changes", null, Reviewer1));
        await Engine(e => e.DecideAsync(tasks[1].Id, "approve", null, Reviewer2)); // leaves "review": its reminders and escalations are cancelled
        Assert.Equal("changes-requested", (await Engine(e => e.FindAsync(instance.Id)))!.State);

        host.Time.Advance(TimeSpan.FromDays(31));
        await WaitForAsync(async () => (await Engine(e => e.FindAsync(instance.Id)))!.State == "withdrawn", host.Time, "expiry");
        await Factory.Scheduler().RunDueTimersAsync(); // other tests' timers may be due too: what counts is that ours do not fire again
        var trail = await Factory.AuditAsync(Tenant, instance.Id);
        var expiry = Assert.Single(trail, a => a.Action == A.Transition && a.Trigger == "expire");
        Assert.Equal((WorkflowActor.SystemId, "changes-requested", "withdrawn"), (expiry.Actor, expiry.FromState, expiry.ToState));
        Assert.DoesNotContain(trail, a => a.Action is A.TaskReminder or A.TaskEscalated);
        Assert.Equal(A.TaskCancelled, trail[^3].Action); // the publisher's revision task, then the move, then the end
        Assert.Equal(A.Completed, trail[^1].Action);
    }
}
