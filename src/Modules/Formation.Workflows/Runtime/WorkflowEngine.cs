using System.Text.Json.Nodes;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Formation.Workflows.Data;
using Formation.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;
using Stateless;

namespace Formation.Workflows.Runtime;

/// <summary>
/// The engine, for the current portal. Each call loads the instance, builds a Stateless machine from the pinned
/// definition around the instance's stored state, fires, then records tasks, timers, audit entries and events, and
/// saves with the instance's revision as concurrency token, in one transaction. A lost race is retried from fresh data
/// when the engine owns the transaction, so the loser sees what the winner did ("already decided").
/// </summary>
internal sealed class WorkflowEngine(
    WorkflowsDbContext db, ShellDatabase database, WorkflowDefinitionStore definitions, DomainEvents events,
    IEnumerable<IWorkflowGuard> guards, TimeProvider time) : IWorkflowEngine
{
    private const int MaxAttempts = 3;
    private readonly Dictionary<string, IWorkflowGuard> _guards = guards.GroupBy(g => g.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    // ---------- instances ----------

    public async Task<WorkflowInstanceDto> StartAsync(StartWorkflow command, WorkflowActor actor, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(command.CorrelationType) || command.CorrelationType.Length > 64) errors.Add("CorrelationType", "Le type de l'élément suivi est obligatoire (64 caractères au plus).");
        if (string.IsNullOrWhiteSpace(command.CorrelationId) || command.CorrelationId.Length > 128) errors.Add("CorrelationId", "L'identifiant de l'élément suivi est obligatoire (128 caractères au plus).");
        errors.ThrowIfAny();
        var definition = await definitions.GetAsync(command.DefinitionId, command.DefinitionVersion, ct)
                         ?? throw new ValidationFailedException("DefinitionId", $"Workflow « {command.DefinitionId} »{(command.DefinitionVersion is { } v ? $" version {v}" : "")} inconnu.");
        var runningKey = $"{definition.Id}|{command.CorrelationType}|{command.CorrelationId}";
        var alreadyRunning = new ValidationFailedException("Correlation", $"Un workflow « {definition.Name} » est déjà en cours pour cet élément.");

        return await RunAsync(async pending =>
        {
            if (await db.Instances.AnyAsync(i => i.RunningKey == runningKey, ct)) throw alreadyRunning;
            var now = time.GetUtcNow();
            var instance = new InstanceRecord
            {
                DefinitionId = definition.Id, DefinitionVersion = definition.Version, State = definition.InitialState,
                Status = WorkflowInstanceStatus.Running, CorrelationType = command.CorrelationType, CorrelationId = command.CorrelationId,
                RunningKey = runningKey, Data = (command.Data ?? []).ToJsonString(), StartedBy = actor.UserId, CreatedUtc = now, UpdatedUtc = now,
            };
            db.Instances.Add(instance);
            Audit(instance, actor, WorkflowAuditActions.Started, to: definition.InitialState);
            Enter(instance, definition, definition.InitialState, actor, pending);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException ex) when (IsUniqueViolation(ex)) { throw alreadyRunning; }
            return ToDto(instance, definition);
        }, ct);
    }

    public Task<WorkflowInstanceDto> FireAsync(Guid instanceId, string trigger, WorkflowActor actor, string? comment = null, int? expectedRevision = null, CancellationToken ct = default) =>
        RunAsync(async pending =>
        {
            var (instance, definition) = await LoadAsync(instanceId, ct);
            if (expectedRevision is { } expected && expected != instance.Revision)
                throw new ValidationFailedException("Instance", "Ce workflow vient d'être modifié par quelqu'un d'autre : rechargez la page.");
            await MoveAsync(instance, definition, trigger, actor, Clean(comment), fromTask: false, pending, ct);
            Touch(instance);
            await db.SaveChangesAsync(ct);
            return ToDto(instance, definition);
        }, ct);

    public Task<WorkflowInstanceDto> UpdateDataAsync(Guid instanceId, IReadOnlyDictionary<string, JsonNode?> values, WorkflowActor actor, CancellationToken ct = default) =>
        RunAsync(async _ =>
        {
            var (instance, definition) = await LoadAsync(instanceId, ct);
            var data = ParseData(instance);
            foreach (var (key, value) in values)
            {
                if (value is null) data.Remove(key);
                else data[key] = value.DeepClone();
            }
            instance.Data = data.ToJsonString();
            Audit(instance, actor, WorkflowAuditActions.DataUpdated, comment: string.Join(", ", values.Keys.Order(StringComparer.Ordinal)));
            Touch(instance);
            await db.SaveChangesAsync(ct);
            return ToDto(instance, definition);
        }, ct);

    public async Task<WorkflowInstanceDto?> FindAsync(Guid instanceId, CancellationToken ct = default)
    {
        var instance = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        return instance is null ? null : ToDto(instance, await DefinitionOfAsync(instance, ct));
    }

    public async Task<WorkflowInstanceDto?> FindByCorrelationAsync(string definitionId, string correlationType, string correlationId, CancellationToken ct = default)
    {
        var candidates = await db.Instances.AsNoTracking()
            .Where(i => i.DefinitionId == definitionId && i.CorrelationType == correlationType && i.CorrelationId == correlationId)
            .ToListAsync(ct);
        var instance = candidates.FirstOrDefault(i => i.Status == WorkflowInstanceStatus.Running) ?? candidates.MaxBy(i => i.CreatedUtc);
        return instance is null ? null : ToDto(instance, await DefinitionOfAsync(instance, ct));
    }

    public async Task<IReadOnlyList<WorkflowActionDto>> AvailableActionsAsync(Guid instanceId, WorkflowActor actor, CancellationToken ct = default)
    {
        var instance = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct) ?? throw InstanceNotFound();
        var definition = await DefinitionOfAsync(instance, ct);
        if (instance.Status == WorkflowInstanceStatus.Completed) return [];
        var outcomes = definition.State(instance.State)?.Task?.Outcomes ?? [];
        var snapshot = ToDto(instance, definition);
        var actions = new List<WorkflowActionDto>();
        foreach (var transition in definition.TransitionsFrom(instance.State).Where(t => !outcomes.Contains(t.Trigger)))
        {
            if (!RoleAllows(transition, actor, fromTask: false)) continue;
            if (!(await EvaluateGuardAsync(transition, snapshot, actor, ct)).Allowed) continue;
            if (actions.Any(a => a.Trigger == transition.Trigger)) continue;
            actions.Add(new WorkflowActionDto(transition.Trigger, transition.DisplayLabel, transition.To, definition.State(transition.To)!.Label));
        }
        return actions;
    }

    public async Task<IReadOnlyList<WorkflowAuditEntryDto>> AuditTrailAsync(Guid instanceId, CancellationToken ct = default) =>
        (await db.Audit.AsNoTracking().Where(a => a.InstanceId == instanceId).OrderBy(a => a.Id).ToListAsync(ct))
        .Select(a => new WorkflowAuditEntryDto(a.Id, a.InstanceId, a.At, a.Actor, a.Action, a.FromState, a.ToState, a.Trigger, a.Comment, a.TaskId))
        .ToList();

    // ---------- tasks ----------

    public async Task<IReadOnlyList<WorkflowInstanceDto>> InstancesAsync(string definitionId, CancellationToken ct = default)
    {
        var instances = await db.Instances.AsNoTracking().Where(i => i.DefinitionId == definitionId).ToListAsync(ct);
        var result = new List<WorkflowInstanceDto>(instances.Count);
        foreach (var instance in instances.OrderByDescending(i => i.CreatedUtc)) result.Add(ToDto(instance, await DefinitionOfAsync(instance, ct)));
        return result;
    }

    public async Task<IReadOnlyList<WorkflowTaskDto>> OpenTasksAsync(string definitionId, CancellationToken ct = default)
    {
        var rows = await db.Tasks.AsNoTracking()
            .Join(db.Instances.AsNoTracking().Where(i => i.DefinitionId == definitionId), t => t.InstanceId, i => i.Id, (t, i) => new { Task = t, Instance = i })
            .ToListAsync(ct);
        var result = new List<WorkflowTaskDto>();
        foreach (var row in rows.Where(r => r.Task.Status is WorkflowTaskStatus.Open or WorkflowTaskStatus.Claimed))
            result.Add(ToDto(row.Task, row.Instance, await DefinitionOfAsync(row.Instance, ct)));
        return result.OrderBy(t => t.DueUtc ?? DateTimeOffset.MaxValue).ToList();
    }

    public async Task<IReadOnlyList<WorkflowTaskDto>> TasksOfInstanceAsync(Guid instanceId, CancellationToken ct = default)
    {
        var instance = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct) ?? throw InstanceNotFound();
        var definition = await DefinitionOfAsync(instance, ct);
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync(ct);
        return tasks.OrderBy(t => t.CreatedUtc).ThenBy(t => t.Slot).Select(t => ToDto(t, instance, definition)).ToList();
    }

    public async Task<IReadOnlyList<WorkflowTaskDto>> TasksForActorAsync(WorkflowActor actor, string? definitionId = null, CancellationToken ct = default)
    {
        var uid = actor.UserId;
        var roles = actor.Roles.ToList();
        var query =
            from t in db.Tasks.AsNoTracking()
            join i in db.Instances.AsNoTracking() on t.InstanceId equals i.Id
            where (t.Status == WorkflowTaskStatus.Open || t.Status == WorkflowTaskStatus.Claimed)
                  && (definitionId == null || i.DefinitionId == definitionId)
                  && (t.ClaimedBy == uid
                      || (t.ClaimedBy == null && (t.AssigneeUserId == uid || (t.AssigneeUserId == null && t.Role != null && roles.Contains(t.Role)))))
            select new { Task = t, Instance = i };
        var rows = await query.ToListAsync(ct);
        // One person, one task per state visit: hide the other slots of a visit where they already hold or decided one.
        var held = rows.Count == 0 ? [] : await HeldVisitsAsync(uid, rows.Select(r => r.Instance.Id).Distinct().ToList(), ct);
        var result = new List<WorkflowTaskDto>();
        foreach (var row in rows.OrderBy(r => r.Task.DueUtc ?? DateTimeOffset.MaxValue).ThenBy(r => r.Task.CreatedUtc).ThenBy(r => r.Task.Slot))
        {
            if (row.Task.ClaimedBy != uid && row.Task.AssigneeUserId != uid && held.Contains((row.Instance.Id, row.Task.Visit))) continue;
            result.Add(ToDto(row.Task, row.Instance, await DefinitionOfAsync(row.Instance, ct)));
        }
        return result;
    }

    public async Task<WorkflowTaskDto?> FindTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null) return null;
        var instance = await db.Instances.AsNoTracking().FirstAsync(i => i.Id == task.InstanceId, ct);
        return ToDto(task, instance, await DefinitionOfAsync(instance, ct));
    }

    public Task<WorkflowTaskDto> ClaimAsync(Guid taskId, WorkflowActor actor, CancellationToken ct = default) =>
        RunAsync(async _ =>
        {
            var (task, instance, definition) = await LoadTaskAsync(taskId, ct);
            if (task.Status == WorkflowTaskStatus.Claimed && task.ClaimedBy == actor.UserId) return ToDto(task, instance, definition);
            EnsureOpen(task);
            await EnsureMayWorkAsync(task, actor, ct);
            task.Status = WorkflowTaskStatus.Claimed;
            task.ClaimedBy = actor.UserId;
            task.ClaimedUtc = time.GetUtcNow();
            Audit(instance, actor, WorkflowAuditActions.TaskClaimed, from: task.State, taskId: task.Id);
            Touch(instance);
            await db.SaveChangesAsync(ct);
            return ToDto(task, instance, definition);
        }, ct);

    public Task<WorkflowTaskDto> ReleaseAsync(Guid taskId, WorkflowActor actor, CancellationToken ct = default) =>
        RunAsync(async _ =>
        {
            var (task, instance, definition) = await LoadTaskAsync(taskId, ct);
            EnsureOpen(task);
            if (task.Status != WorkflowTaskStatus.Claimed || (task.ClaimedBy != actor.UserId && !actor.IsSystem))
                throw new ValidationFailedException("Task", "Vous n'avez pas pris cette tâche en charge : vous ne pouvez pas la relâcher.");
            task.Status = WorkflowTaskStatus.Open;
            task.ClaimedBy = null;
            task.ClaimedUtc = null;
            Audit(instance, actor, WorkflowAuditActions.TaskReleased, from: task.State, taskId: task.Id);
            Touch(instance);
            await db.SaveChangesAsync(ct);
            return ToDto(task, instance, definition);
        }, ct);

    public Task<WorkflowDecisionResult> DecideAsync(Guid taskId, string outcome, string? comment, WorkflowActor actor, CancellationToken ct = default) =>
        RunAsync(async pending =>
        {
            var (task, instance, definition) = await LoadTaskAsync(taskId, ct);
            EnsureOpen(task);
            var taskDefinition = definition.State(task.State)?.Task
                                 ?? throw new InvalidOperationException($"State {task.State} of {definition.Id} v{definition.Version} has no task.");
            if (!taskDefinition.Outcomes.Contains(outcome))
                throw new ValidationFailedException("Outcome", $"Décision inconnue « {outcome} » : choisissez parmi {string.Join(", ", OutcomesOf(definition, task.State).Select(o => $"« {o.Label} »"))}.");
            if (task.Status != WorkflowTaskStatus.Claimed || task.ClaimedBy != actor.UserId) await EnsureMayWorkAsync(task, actor, ct);

            var now = time.GetUtcNow();
            task.ClaimedBy ??= actor.UserId;
            task.ClaimedUtc ??= now;
            task.Status = WorkflowTaskStatus.Completed;
            task.Outcome = outcome;
            task.Comment = Clean(comment);
            task.DecidedBy = actor.UserId;
            task.DecidedUtc = now;
            Audit(instance, actor, WorkflowAuditActions.TaskDecided, from: task.State, trigger: outcome, comment: task.Comment, taskId: task.Id);
            await CancelTimersAsync(instance.Id, task.Id, ct);

            var visit = await db.Tasks.Where(t => t.InstanceId == instance.Id && t.Visit == task.Visit && t.Status != WorkflowTaskStatus.Cancelled).ToListAsync(ct);
            var complete = taskDefinition.Completion == WorkflowCompletion.Any || visit.All(t => t.Status == WorkflowTaskStatus.Completed);
            if (complete)
            {
                var decided = visit.Where(t => t.Status == WorkflowTaskStatus.Completed).Select(t => t.Outcome).ToHashSet();
                var trigger = taskDefinition.Completion == WorkflowCompletion.Any ? outcome : taskDefinition.Outcomes.First(decided.Contains);
                await MoveAsync(instance, definition, trigger, actor, null, fromTask: true, pending, ct);
            }
            Touch(instance);
            await db.SaveChangesAsync(ct);
            return new WorkflowDecisionResult(ToDto(task, instance, definition), ToDto(instance, definition), complete);
        }, ct);

    // ---------- timers (called by the scheduler) ----------

    /// <summary>
    /// Fires one due timer, exactly once: a conditional update marks it fired in the same transaction as its effect, so a
    /// second node (or a second call) finds nothing to do. Returns false when the timer was no longer pending.
    /// </summary>
    internal async Task<bool> FireTimerAsync(Guid timerId, CancellationToken ct)
    {
        var fired = false;
        await using var transaction = await database.BeginTransactionAsync(ct);
        var pending = new List<IDomainEvent>();
        var now = time.GetUtcNow();
        var claimed = await db.Timers.Where(t => t.Id == timerId && t.FiredUtc == null && t.CancelledUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.FiredUtc, now), ct);
        if (claimed == 0) return false;
        var timer = await db.Timers.AsNoTracking().FirstAsync(t => t.Id == timerId, ct);
        var (instance, definition) = await LoadAsync(timer.InstanceId, ct);
        var task = timer.TaskId is { } taskId ? await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId, ct) : null;
        var system = WorkflowActor.System;
        switch (timer.Kind)
        {
            case TimerKind.Reminder when task is { Status: WorkflowTaskStatus.Open or WorkflowTaskStatus.Claimed, DueUtc: { } due }:
                Audit(instance, system, WorkflowAuditActions.TaskReminder, from: task.State, taskId: task.Id, comment: $"Échéance le {due:yyyy-MM-dd HH:mm} (UTC).");
                pending.Add(new WorkflowTaskReminderDue(task.Id, instance.Id, instance.DefinitionId, instance.CorrelationType, instance.CorrelationId,
                    task.State, task.Title, task.Role, task.ClaimedBy ?? task.AssigneeUserId, due));
                fired = true;
                break;
            case TimerKind.Escalation when task is { Status: WorkflowTaskStatus.Open or WorkflowTaskStatus.Claimed, DueUtc: { } due }:
            {
                var toRole = definition.State(task.State)?.Task?.EscalateToRole;
                var previousRole = task.Role;
                var previousUser = task.ClaimedBy ?? task.AssigneeUserId;
                task.Escalated = true;
                if (toRole is not null)
                {
                    task.Role = toRole;
                    task.AssigneeUserId = null;
                    task.ClaimedBy = null;
                    task.ClaimedUtc = null;
                    task.Status = WorkflowTaskStatus.Open;
                }
                Audit(instance, system, WorkflowAuditActions.TaskEscalated, from: task.State, taskId: task.Id,
                    comment: toRole is null ? "Échéance dépassée." : $"Échéance dépassée : tâche confiée au rôle « {Roles.Label(toRole)} ».");
                pending.Add(new WorkflowTaskEscalated(task.Id, instance.Id, instance.DefinitionId, instance.CorrelationType, instance.CorrelationId,
                    task.State, task.Title, previousRole, toRole, previousUser, due));
                fired = true;
                break;
            }
            case TimerKind.Transition when instance.Status == WorkflowInstanceStatus.Running && instance.State == timer.State && timer.Trigger is { } trigger:
                try
                {
                    await MoveAsync(instance, definition, trigger, system, null, fromTask: false, pending, ct, fromTimer: true);
                    fired = true;
                }
                catch (ValidationFailedException ex)
                {
                    Audit(instance, system, WorkflowAuditActions.TimerIgnored, from: instance.State, trigger: trigger, comment: ex.Message);
                }
                break;
        }
        Touch(instance);
        await db.SaveChangesAsync(ct);
        foreach (var domainEvent in pending) await events.RaiseAsync(domainEvent, ct);
        await transaction.CommitAsync();
        return fired;
    }

    // ---------- the move ----------

    /// <summary>Fires <paramref name="trigger"/> on a Stateless machine built from the definition around the stored state.</summary>
    private async Task MoveAsync(InstanceRecord instance, WorkflowDefinition definition, string trigger, WorkflowActor actor, string? comment,
        bool fromTask, List<IDomainEvent> pending, CancellationToken ct, bool fromTimer = false)
    {
        if (instance.Status == WorkflowInstanceStatus.Completed)
            throw new ValidationFailedException("Instance", "Ce workflow est terminé : plus aucune action n'est possible.");
        var from = instance.State;
        var state = definition.State(from) ?? throw new InvalidOperationException($"Unknown state {from} in {definition.Id} v{definition.Version}.");
        var candidates = definition.TransitionsFrom(from).Where(t => t.Trigger == trigger).ToList();
        if (candidates.Count == 0)
            throw new ValidationFailedException("Trigger", $"L'action « {trigger} » n'est pas possible depuis l'état « {state.Label} ».");
        if (!fromTask && !fromTimer && state.Task is { } task && task.Outcomes.Contains(trigger))
            throw new ValidationFailedException("Trigger", $"« {candidates[0].DisplayLabel} » se décide par la tâche « {task.Title} ».");
        var permitted = candidates.Where(t => RoleAllows(t, actor, fromTask)).ToList();
        if (permitted.Count == 0)
        {
            var roles = candidates.SelectMany(t => t.Roles).Distinct().Select(Roles.Label);
            throw new ValidationFailedException("Trigger", $"« {candidates[0].DisplayLabel} » est réservé aux rôles : {string.Join(", ", roles)}.");
        }

        // Guards are async (they may read the database): evaluate them first, then hand Stateless their answers.
        var snapshot = ToDto(instance, definition);
        var answers = new Dictionary<WorkflowTransitionDefinition, WorkflowGuardResult>(ReferenceEqualityComparer.Instance);
        foreach (var transition in candidates)
            answers[transition] = permitted.Contains(transition) ? await EvaluateGuardAsync(transition, snapshot, actor, ct) : WorkflowGuardResult.Deny("rôle");

        var machine = new StateMachine<string, string>(() => instance.State, s => instance.State = s);
        var configuration = machine.Configure(from);
        foreach (var transition in candidates)
        {
            var answer = answers[transition];
            var description = transition.Guard ?? "rôle";
            if (transition.To == from) configuration.PermitReentryIf(trigger, () => answer.Allowed, description);
            else configuration.PermitIf(trigger, transition.To, () => answer.Allowed, description);
        }
        if (!machine.CanFire(trigger))
        {
            var reasons = candidates.Select(t => answers[t]).Where(a => !a.Allowed && a.Reason is not null && a.Reason != "rôle").Select(a => a.Reason).Distinct().ToList();
            throw new ValidationFailedException("Trigger", $"« {candidates[0].DisplayLabel} » n'est pas possible pour le moment{(reasons.Count == 0 ? "." : " : " + string.Join(" ", reasons))}");
        }
        try { machine.Fire(trigger); }
        catch (InvalidOperationException)
        {
            throw new ValidationFailedException("Trigger", $"« {candidates[0].DisplayLabel} » mène à plusieurs états à la fois : les gardes de ces transitions doivent s'exclure.");
        }
        var to = instance.State;

        await LeaveAsync(instance, actor, ct);
        Audit(instance, actor, WorkflowAuditActions.Transition, from: from, to: to, trigger: trigger, comment: comment);
        Enter(instance, definition, to, actor, pending);
        pending.Add(new WorkflowStateChanged(instance.Id, instance.DefinitionId, instance.DefinitionVersion, instance.CorrelationType, instance.CorrelationId,
            from, to, trigger, actor.UserId, instance.Status == WorkflowInstanceStatus.Completed));
    }

    /// <summary>Leaving a state cancels its open tasks and its pending timers.</summary>
    private async Task LeaveAsync(InstanceRecord instance, WorkflowActor actor, CancellationToken ct)
    {
        var open = await db.Tasks.Where(t => t.InstanceId == instance.Id && (t.Status == WorkflowTaskStatus.Open || t.Status == WorkflowTaskStatus.Claimed)).ToListAsync(ct);
        foreach (var task in open.Where(t => t.Status is WorkflowTaskStatus.Open or WorkflowTaskStatus.Claimed))
        {
            task.Status = WorkflowTaskStatus.Cancelled;
            Audit(instance, actor, WorkflowAuditActions.TaskCancelled, from: task.State, taskId: task.Id);
        }
        await CancelTimersAsync(instance.Id, null, ct);
    }

    /// <summary>Entering a state: completes the instance on a final state, creates the state's tasks and timers.</summary>
    private void Enter(InstanceRecord instance, WorkflowDefinition definition, string stateId, WorkflowActor actor, List<IDomainEvent> pending)
    {
        var now = time.GetUtcNow();
        var state = definition.State(stateId)!;
        instance.Visit++;
        if (state.Terminal)
        {
            instance.Status = WorkflowInstanceStatus.Completed;
            instance.CompletedUtc = now;
            instance.RunningKey = null;
            Audit(instance, actor, WorkflowAuditActions.Completed, to: stateId);
            return;
        }
        if (state.Task is { } task)
        {
            var assignees = ResolveAssignees(task, instance);
            DateTimeOffset? due = task.DueIn is null ? null : now + WorkflowDuration.Parse(task.DueIn);
            for (var slot = 0; slot < assignees.Count; slot++)
            {
                var record = new TaskRecord
                {
                    InstanceId = instance.Id, State = stateId, Visit = instance.Visit, Slot = slot, Title = task.Title,
                    Role = assignees[slot] is null ? task.Role : null, AssigneeUserId = assignees[slot], DueUtc = due,
                    Status = WorkflowTaskStatus.Open, CreatedUtc = now,
                };
                db.Tasks.Add(record);
                Audit(instance, actor, WorkflowAuditActions.TaskCreated, to: stateId, taskId: record.Id,
                    comment: record.AssigneeUserId is { } user ? $"Confiée à {user}." : $"Ouverte au rôle « {Roles.Label(record.Role!)} ».");
                pending.Add(new WorkflowTaskCreated(record.Id, instance.Id, instance.DefinitionId, instance.CorrelationType, instance.CorrelationId,
                    stateId, record.Title, record.Role, record.AssigneeUserId, due));
                if (due is not { } dueUtc) continue;
                foreach (var before in task.RemindersBefore.Select(WorkflowDuration.Parse).Distinct())
                    if (dueUtc - before > now)
                        db.Timers.Add(new TimerRecord { InstanceId = instance.Id, TaskId = record.Id, Kind = TimerKind.Reminder, State = stateId, DueUtc = dueUtc - before });
                if (task.EscalateAfter is not null)
                    db.Timers.Add(new TimerRecord { InstanceId = instance.Id, TaskId = record.Id, Kind = TimerKind.Escalation, State = stateId, DueUtc = dueUtc + WorkflowDuration.Parse(task.EscalateAfter) });
            }
        }
        foreach (var timer in definition.Timers.Where(t => t.State == stateId))
            db.Timers.Add(new TimerRecord { InstanceId = instance.Id, Kind = TimerKind.Transition, State = stateId, Trigger = timer.Trigger, DueUtc = now + WorkflowDuration.Parse(timer.After) });
    }

    private static List<string?> ResolveAssignees(WorkflowTaskDefinition task, InstanceRecord instance)
    {
        if (task.Assignee is null) return Enumerable.Repeat<string?>(null, task.Count).ToList();
        List<string?> users;
        if (task.Assignee == WorkflowDefinitionValidator.StarterAssignee)
            users = instance.StartedBy == WorkflowActor.SystemId ? [] : [instance.StartedBy];
        else
        {
            var key = task.Assignee["data.".Length..];
            var value = ParseData(instance)[key];
            users = value switch
            {
                JsonValue v when v.TryGetValue<string>(out var single) => [single],
                JsonArray array => array.Select(n => n is JsonValue item && item.TryGetValue<string>(out var s) ? s : null).ToList(),
                _ => [],
            };
        }
        users = users.Where(u => !string.IsNullOrWhiteSpace(u)).Distinct().ToList();
        if (users.Count == 0)
            throw new ValidationFailedException("Assignee", $"Personne n'est désigné pour la tâche « {task.Title} » ({task.Assignee}) : renseignez-le avant d'y arriver.");
        return users;
    }

    // ---------- helpers ----------

    /// <summary>
    /// Runs a change in the scope's transaction with its events. When it opened the transaction itself, a lost race
    /// (concurrency token) is rolled back and retried on fresh data; inside an outer transaction it is refused.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<List<IDomainEvent>, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pending = new List<IDomainEvent>();
            if (database.Transaction is not null)
            {
                try
                {
                    var joined = await work(pending);
                    foreach (var domainEvent in pending) await events.RaiseAsync(domainEvent, ct);
                    return joined;
                }
                catch (DbUpdateConcurrencyException) { db.ChangeTracker.Clear(); throw Conflict(); }
                catch
                {
                    // Refused halfway: forget the half-made changes, so that the outer unit of work cannot save them.
                    db.ChangeTracker.Clear();
                    throw;
                }
            }
            try
            {
                await using var transaction = await database.BeginTransactionAsync(ct);
                var result = await work(pending);
                foreach (var domainEvent in pending) await events.RaiseAsync(domainEvent, ct);
                await transaction.CommitAsync();
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException) { throw Conflict(); }
        }
    }

    private static ValidationFailedException Conflict() =>
        new("Instance", "Ce workflow vient d'être modifié par quelqu'un d'autre : rechargez la page avant de recommencer.");

    private static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } or Npgsql.PostgresException { SqlState: "23505" };

    private static ValidationFailedException InstanceNotFound() => new("Instance", "Workflow introuvable sur ce portail.");

    private async Task<(InstanceRecord, WorkflowDefinition)> LoadAsync(Guid instanceId, CancellationToken ct)
    {
        var instance = await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId, ct) ?? throw InstanceNotFound();
        return (instance, await DefinitionOfAsync(instance, ct));
    }

    private async Task<(TaskRecord, InstanceRecord, WorkflowDefinition)> LoadTaskAsync(Guid taskId, CancellationToken ct)
    {
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId, ct)
                   ?? throw new ValidationFailedException("Task", "Tâche introuvable sur ce portail.");
        var (instance, definition) = await LoadAsync(task.InstanceId, ct);
        return (task, instance, definition);
    }

    private async Task<WorkflowDefinition> DefinitionOfAsync(InstanceRecord instance, CancellationToken ct) =>
        await definitions.GetAsync(instance.DefinitionId, instance.DefinitionVersion, ct)
        ?? throw new InvalidOperationException($"Definition {instance.DefinitionId} v{instance.DefinitionVersion} is missing.");

    private static void EnsureOpen(TaskRecord task)
    {
        switch (task.Status)
        {
            case WorkflowTaskStatus.Completed:
                throw new ValidationFailedException("Task", "Cette tâche a déjà été décidée : rechargez la page pour voir la décision.");
            case WorkflowTaskStatus.Cancelled:
                throw new ValidationFailedException("Task", "Cette tâche n'est plus ouverte : le workflow a changé d'étape.");
        }
    }

    /// <summary>Who may take or decide a task: its assignee, or someone with its role; not claimed by another; one task per person per state visit.</summary>
    private async Task EnsureMayWorkAsync(TaskRecord task, WorkflowActor actor, CancellationToken ct)
    {
        if (actor.IsSystem) return;
        if (task.ClaimedBy is { } holder && holder != actor.UserId)
            throw new ValidationFailedException("Task", "Cette tâche est prise en charge par une autre personne.");
        if (task.ClaimedBy == actor.UserId) return;
        if (task.AssigneeUserId is { } assignee)
        {
            if (assignee != actor.UserId) throw new ValidationFailedException("Task", "Cette tâche est confiée à une autre personne.");
        }
        else if (task.Role is { } role && !actor.HasRole(role))
            throw new ValidationFailedException("Task", $"Cette tâche est réservée au rôle « {Roles.Label(role)} ».");
        var holdsAnother = await db.Tasks.AnyAsync(t => t.InstanceId == task.InstanceId && t.Visit == task.Visit && t.Id != task.Id
                                                        && (t.ClaimedBy == actor.UserId || t.DecidedBy == actor.UserId), ct);
        if (holdsAnother)
            throw new ValidationFailedException("Task", "Vous avez déjà une tâche à cette étape : une autre personne doit prendre celle-ci.");
    }

    private async Task<HashSet<(Guid, int)>> HeldVisitsAsync(string userId, List<Guid> instanceIds, CancellationToken ct) =>
        (await db.Tasks.AsNoTracking()
            .Where(t => instanceIds.Contains(t.InstanceId) && (t.ClaimedBy == userId || t.DecidedBy == userId || t.AssigneeUserId == userId) && t.Status != WorkflowTaskStatus.Cancelled)
            .Select(t => new { t.InstanceId, t.Visit }).ToListAsync(ct))
        .Select(t => (t.InstanceId, t.Visit)).ToHashSet();

    private static bool RoleAllows(WorkflowTransitionDefinition transition, WorkflowActor actor, bool fromTask) =>
        fromTask || actor.IsSystem || transition.Roles.Count == 0 || actor.HasAnyRole(transition.Roles);

    private async Task<WorkflowGuardResult> EvaluateGuardAsync(WorkflowTransitionDefinition transition, WorkflowInstanceDto instance, WorkflowActor actor, CancellationToken ct)
    {
        if (transition.Guard is null) return WorkflowGuardResult.Allow;
        if (!_guards.TryGetValue(transition.Guard, out var guard))
            return WorkflowGuardResult.Deny($"La condition « {transition.Guard} » n'est plus disponible sur la plateforme.");
        return await guard.EvaluateAsync(new WorkflowGuardContext(instance, transition.From, transition.To, transition.Trigger, actor), ct);
    }

    /// <summary>Cancels the pending timers of an instance (or of one of its tasks), in the unit of work.</summary>
    private async Task CancelTimersAsync(Guid instanceId, Guid? taskId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var timers = await db.Timers.Where(t => t.InstanceId == instanceId && t.FiredUtc == null && t.CancelledUtc == null
                                                && (taskId == null || t.TaskId == taskId)).ToListAsync(ct);
        foreach (var timer in timers) timer.CancelledUtc = now;
    }

    private void Audit(InstanceRecord instance, WorkflowActor actor, string action, string? from = null, string? to = null,
        string? trigger = null, string? comment = null, Guid? taskId = null) =>
        db.Audit.Add(new AuditRecord
        {
            InstanceId = instance.Id, At = time.GetUtcNow(), Actor = actor.UserId, Action = action,
            FromState = from, ToState = to, Trigger = trigger, Comment = comment, TaskId = taskId,
        });

    private void Touch(InstanceRecord instance)
    {
        instance.UpdatedUtc = time.GetUtcNow();
        instance.Revision++;
    }

    private static string? Clean(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment)) return null;
        var trimmed = comment.Trim();
        if (trimmed.Length > 4000) throw new ValidationFailedException("Comment", "Le commentaire dépasse 4 000 caractères.");
        return trimmed;
    }

    private static JsonObject ParseData(InstanceRecord instance) => JsonNode.Parse(instance.Data) as JsonObject ?? [];

    private static IReadOnlyList<WorkflowOutcomeDto> OutcomesOf(WorkflowDefinition definition, string state) =>
        (definition.State(state)?.Task?.Outcomes ?? [])
        .Select(o => new WorkflowOutcomeDto(o, definition.TransitionsFrom(state).FirstOrDefault(t => t.Trigger == o)?.DisplayLabel ?? o))
        .ToList();

    internal static WorkflowInstanceDto ToDto(InstanceRecord i, WorkflowDefinition definition) => new()
    {
        Id = i.Id, TenantId = i.TenantId, DefinitionId = i.DefinitionId, DefinitionVersion = i.DefinitionVersion,
        State = i.State, StateLabel = definition.State(i.State)?.Label ?? i.State, Status = i.Status,
        CorrelationType = i.CorrelationType, CorrelationId = i.CorrelationId, Data = ParseData(i), Revision = i.Revision,
        StartedBy = i.StartedBy, CreatedUtc = i.CreatedUtc, UpdatedUtc = i.UpdatedUtc, CompletedUtc = i.CompletedUtc,
    };

    private static WorkflowTaskDto ToDto(TaskRecord t, InstanceRecord i, WorkflowDefinition definition) => new()
    {
        Id = t.Id, InstanceId = t.InstanceId, DefinitionId = i.DefinitionId, CorrelationType = i.CorrelationType, CorrelationId = i.CorrelationId,
        State = t.State, Title = t.Title, Role = t.Role, AssigneeUserId = t.AssigneeUserId, ClaimedBy = t.ClaimedBy, ClaimedUtc = t.ClaimedUtc,
        DueUtc = t.DueUtc, Status = t.Status, Outcomes = OutcomesOf(definition, t.State), Outcome = t.Outcome, Comment = t.Comment,
        DecidedBy = t.DecidedBy, DecidedUtc = t.DecidedUtc, Escalated = t.Escalated, CreatedUtc = t.CreatedUtc,
    };
}
