using System.Security.Claims;
using System.Text.Json.Nodes;
using Formation.Shell.Events;

namespace Formation.Workflows.Contracts;

/// <summary>
/// Who acts on a workflow: a user of the current portal with their roles, or the system (timers, code that acts on
/// its own authority). Roles of transitions and tasks are checked against it; the system skips role checks, not guards.
/// </summary>
public sealed record WorkflowActor(string UserId, IReadOnlyCollection<string> Roles)
{
    public const string SystemId = "system";
    public static readonly WorkflowActor System = new(SystemId, []);

    public bool IsSystem => UserId == SystemId;
    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
    public bool HasAnyRole(IEnumerable<string> roles) => roles.Any(HasRole);

    /// <summary>The signed-in user of a request (name identifier and role claims).</summary>
    public static WorkflowActor FromPrincipal(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)
                 ?? throw new InvalidOperationException("Aucun utilisateur connecté.");
        return new WorkflowActor(id, principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().ToArray());
    }
}

/// <summary>What a guard sees: the instance (with its data and correlation), the transition asked for, who asks.</summary>
public sealed record WorkflowGuardContext(WorkflowInstanceDto Instance, string FromState, string ToState, string Trigger, WorkflowActor Actor);

public sealed record WorkflowGuardResult(bool Allowed, string? Reason = null)
{
    public static readonly WorkflowGuardResult Allow = new(true);
    /// <param name="reason">French, shown to the person (e.g. "La grille de critères n'est pas complète.").</param>
    public static WorkflowGuardResult Deny(string reason) => new(false, reason);
}

/// <summary>
/// A named condition on transitions, registered by a module (<c>services.AddScoped&lt;IWorkflowGuard, MyGuard&gt;()</c>)
/// and referenced by name from definitions, so that definitions stay data. Scoped: it may read the database.
/// </summary>
public interface IWorkflowGuard
{
    /// <summary>Unique name used in definitions, e.g. "review-grid-complete".</summary>
    string Name { get; }
    /// <summary>What it checks, in French, for the platform's workflow pages.</summary>
    string Description => Name;
    Task<WorkflowGuardResult> EvaluateAsync(WorkflowGuardContext context, CancellationToken ct);
}

public enum WorkflowInstanceStatus { Running, Completed }

public enum WorkflowTaskStatus { Open, Claimed, Completed, Cancelled }

/// <summary>A running or finished workflow, as other modules see it.</summary>
public sealed record WorkflowInstanceDto
{
    public required Guid Id { get; init; }
    public required string TenantId { get; init; }
    public required string DefinitionId { get; init; }
    /// <summary>The definition version this instance is pinned to.</summary>
    public required int DefinitionVersion { get; init; }
    public required string State { get; init; }
    public required string StateLabel { get; init; }
    public required WorkflowInstanceStatus Status { get; init; }
    public required string CorrelationType { get; init; }
    public required string CorrelationId { get; init; }
    /// <summary>A copy of the instance's data bag.</summary>
    public required JsonObject Data { get; init; }
    /// <summary>Optimistic concurrency token: grows with every change.</summary>
    public required int Revision { get; init; }
    public required string StartedBy { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required DateTimeOffset UpdatedUtc { get; init; }
    public DateTimeOffset? CompletedUtc { get; init; }

    public bool IsCompleted => Status == WorkflowInstanceStatus.Completed;
}

public sealed record WorkflowTaskDto
{
    public required Guid Id { get; init; }
    public required Guid InstanceId { get; init; }
    public required string DefinitionId { get; init; }
    public required string CorrelationType { get; init; }
    public required string CorrelationId { get; init; }
    public required string State { get; init; }
    public required string Title { get; init; }
    /// <summary>Anyone with this role may claim it (null when assigned to a person).</summary>
    public string? Role { get; init; }
    public string? AssigneeUserId { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedUtc { get; init; }
    public DateTimeOffset? DueUtc { get; init; }
    public required WorkflowTaskStatus Status { get; init; }
    /// <summary>The decisions allowed, with their button text (the transition's label).</summary>
    public required IReadOnlyList<WorkflowOutcomeDto> Outcomes { get; init; }
    public string? Outcome { get; init; }
    public string? Comment { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedUtc { get; init; }
    public bool Escalated { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }

    public bool IsOpen => Status is WorkflowTaskStatus.Open or WorkflowTaskStatus.Claimed;
    /// <summary>Who is on it now: the person who claimed it, else the assignee.</summary>
    public string? CurrentUserId => ClaimedBy ?? AssigneeUserId;
}

public sealed record WorkflowOutcomeDto(string Outcome, string Label);

/// <summary>A transition that the actor may fire now (roles and guards checked).</summary>
public sealed record WorkflowActionDto(string Trigger, string Label, string ToState, string ToStateLabel);

/// <summary>One line of the append-only audit trail.</summary>
public sealed record WorkflowAuditEntryDto(
    long Id, Guid InstanceId, DateTimeOffset At, string Actor, string Action,
    string? FromState, string? ToState, string? Trigger, string? Comment, Guid? TaskId);

/// <summary>Audit actions (stable ids; pages translate them).</summary>
public static class WorkflowAuditActions
{
    public const string Started = "started";
    public const string Transition = "transition";
    public const string Completed = "completed";
    public const string DataUpdated = "data-updated";
    public const string TaskCreated = "task-created";
    public const string TaskClaimed = "task-claimed";
    public const string TaskReleased = "task-released";
    public const string TaskDecided = "task-decided";
    public const string TaskCancelled = "task-cancelled";
    public const string TaskReminder = "task-reminder";
    public const string TaskEscalated = "task-escalated";
    public const string TimerIgnored = "timer-ignored";

    public static string Label(string action) => action switch
    {
        Started => "Démarrage",
        Transition => "Changement d'état",
        Completed => "Fin",
        DataUpdated => "Données mises à jour",
        TaskCreated => "Tâche créée",
        TaskClaimed => "Tâche prise en charge",
        TaskReleased => "Tâche relâchée",
        TaskDecided => "Décision",
        TaskCancelled => "Tâche annulée",
        TaskReminder => "Relance",
        TaskEscalated => "Escalade",
        TimerIgnored => "Minuteur sans effet",
        _ => action,
    };
}

public sealed record StartWorkflow(
    string DefinitionId, string CorrelationType, string CorrelationId, JsonObject? Data = null, int? DefinitionVersion = null);

/// <summary>The result of a decision: the task as decided, and the instance (moved on when the decision completed its state).</summary>
public sealed record WorkflowDecisionResult(WorkflowTaskDto Task, WorkflowInstanceDto Instance, bool StateCompleted);

/// <summary>
/// The workflow engine of the current portal (scoped). Every change runs in the scope's transaction (joining an outer
/// one), records its audit entries and raises its events in that transaction. Refusals are
/// <see cref="Formation.Shell.Validation.ValidationFailedException"/>s with French messages; a lost race (two people
/// deciding at once) is refused the same way, never applied twice.
/// </summary>
public interface IWorkflowEngine
{
    /// <summary>Starts an instance of the latest (or given) version for the governed item; one running instance per
    /// definition and correlation. Enters the initial state (its tasks and timers).</summary>
    Task<WorkflowInstanceDto> StartAsync(StartWorkflow command, WorkflowActor actor, CancellationToken ct = default);

    /// <summary>Fires a transition by its trigger: roles, then guard, then the move (leaving and entering states).
    /// A task's outcome cannot be fired this way: decide the task. <paramref name="expectedRevision"/> refuses the
    /// call when the instance changed since the caller read it.</summary>
    Task<WorkflowInstanceDto> FireAsync(Guid instanceId, string trigger, WorkflowActor actor, string? comment = null, int? expectedRevision = null, CancellationToken ct = default);

    /// <summary>Merges values into the instance's data bag (null removes a key); audited.</summary>
    Task<WorkflowInstanceDto> UpdateDataAsync(Guid instanceId, IReadOnlyDictionary<string, JsonNode?> values, WorkflowActor actor, CancellationToken ct = default);

    Task<WorkflowInstanceDto?> FindAsync(Guid instanceId, CancellationToken ct = default);
    /// <summary>The running instance of a definition for an item, else its latest finished one, else null.</summary>
    Task<WorkflowInstanceDto?> FindByCorrelationAsync(string definitionId, string correlationType, string correlationId, CancellationToken ct = default);
    /// <summary>Every instance of a definition on the current portal (dashboards).</summary>
    Task<IReadOnlyList<WorkflowInstanceDto>> InstancesAsync(string definitionId, CancellationToken ct = default);
    /// <summary>Every open task of a definition on the current portal (overdue lists).</summary>
    Task<IReadOnlyList<WorkflowTaskDto>> OpenTasksAsync(string definitionId, CancellationToken ct = default);
    /// <summary>The manual transitions the actor may fire now (roles and guards checked; task outcomes excluded).</summary>
    Task<IReadOnlyList<WorkflowActionDto>> AvailableActionsAsync(Guid instanceId, WorkflowActor actor, CancellationToken ct = default);
    /// <summary>The audit trail, oldest first.</summary>
    Task<IReadOnlyList<WorkflowAuditEntryDto>> AuditTrailAsync(Guid instanceId, CancellationToken ct = default);

    /// <summary>Tasks of an instance (all states and statuses), oldest first.</summary>
    Task<IReadOnlyList<WorkflowTaskDto>> TasksOfInstanceAsync(Guid instanceId, CancellationToken ct = default);
    /// <summary>Open tasks the actor works on or may take: assigned to them, claimed by them, or open to one of their roles.</summary>
    Task<IReadOnlyList<WorkflowTaskDto>> TasksForActorAsync(WorkflowActor actor, string? definitionId = null, CancellationToken ct = default);
    Task<WorkflowTaskDto?> FindTaskAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>Takes an open task of one's role (or assigned to oneself). One person, one task per state of an instance.</summary>
    Task<WorkflowTaskDto> ClaimAsync(Guid taskId, WorkflowActor actor, CancellationToken ct = default);
    /// <summary>Gives a claimed task back to its role.</summary>
    Task<WorkflowTaskDto> ReleaseAsync(Guid taskId, WorkflowActor actor, CancellationToken ct = default);
    /// <summary>Decides a task with one of its outcomes (claiming it first if needed). When the state's completion rule
    /// is met, fires the resulting outcome as the transition's trigger.</summary>
    Task<WorkflowDecisionResult> DecideAsync(Guid taskId, string outcome, string? comment, WorkflowActor actor, CancellationToken ct = default);
}

/// <summary>Versioned definitions (platform-wide). Saving validates and stores a new version; an unchanged text stores nothing.</summary>
public interface IWorkflowDefinitions
{
    /// <summary>Parses, validates and saves <paramref name="json"/> as the next version (French errors keyed by JSON path).
    /// Its optional "version" is the one it was edited from (or the next one): an older version than the latest is
    /// refused (someone saved meanwhile); a text identical to the version it names, or to the latest, saves nothing.</summary>
    Task<WorkflowDefinitionSaveResult> SaveAsync(string json, string? authorId, CancellationToken ct = default);
    Task<WorkflowDefinition?> GetAsync(string definitionId, int? version = null, CancellationToken ct = default);
    Task<IReadOnlyList<WorkflowDefinitionSummary>> ListAsync(CancellationToken ct = default);
    Task<IReadOnlyList<WorkflowDefinitionVersionInfo>> VersionsAsync(string definitionId, CancellationToken ct = default);
}

public sealed record WorkflowDefinitionSaveResult(WorkflowDefinition Definition, bool Created);
public sealed record WorkflowDefinitionSummary(string Id, string Name, int LatestVersion, int VersionCount, DateTimeOffset UpdatedUtc);
public sealed record WorkflowDefinitionVersionInfo(string Id, int Version, string Name, DateTimeOffset CreatedUtc, string? CreatedBy);

/// <summary>An instance moved from one state to another (the review module reacts, e.g. publishes on "approved").</summary>
public sealed record WorkflowStateChanged(
    Guid InstanceId, string DefinitionId, int DefinitionVersion, string CorrelationType, string CorrelationId,
    string FromState, string ToState, string Trigger, string Actor, bool Completed) : IDomainEvent;

/// <summary>A human task was created (notify its assignee or role).</summary>
public sealed record WorkflowTaskCreated(
    Guid TaskId, Guid InstanceId, string DefinitionId, string CorrelationType, string CorrelationId,
    string State, string Title, string? Role, string? AssigneeUserId, DateTimeOffset? DueUtc) : IDomainEvent;

/// <summary>A task's due date is near: remind whoever is on it (<see cref="UserId"/>) or, when nobody is, its role.</summary>
public sealed record WorkflowTaskReminderDue(
    Guid TaskId, Guid InstanceId, string DefinitionId, string CorrelationType, string CorrelationId,
    string State, string Title, string? Role, string? UserId, DateTimeOffset DueUtc) : IDomainEvent;

/// <summary>A task is overdue: its SLA is escalated, and the task given back to <see cref="ToRole"/> when the definition says so.</summary>
public sealed record WorkflowTaskEscalated(
    Guid TaskId, Guid InstanceId, string DefinitionId, string CorrelationType, string CorrelationId,
    string State, string Title, string? FromRole, string? ToRole, string? PreviousUserId, DateTimeOffset DueUtc) : IDomainEvent;
