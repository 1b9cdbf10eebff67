using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Formation.Workflows.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Formation.Workflows.Data;

/// <summary>One version of a definition (platform-wide, immutable). The JSON is the source; the columns are for listing.</summary>
internal sealed class DefinitionRecord
{
    public required string DefinitionId { get; set; }
    public int Version { get; set; }
    public required string Name { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public string? CreatedBy { get; set; }
}

/// <summary>A workflow governing one item (the correlation) of a portal, pinned to a definition version.</summary>
internal sealed class InstanceRecord : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string DefinitionId { get; set; }
    public int DefinitionVersion { get; set; }
    public required string State { get; set; }
    public WorkflowInstanceStatus Status { get; set; }
    public required string CorrelationType { get; set; }
    public required string CorrelationId { get; set; }
    /// <summary>"definition|type|id" while running, null once completed: a unique index keeps one running instance per item.</summary>
    public string? RunningKey { get; set; }
    /// <summary>The data bag, a JSON object.</summary>
    public string Data { get; set; } = "{}";
    public required string StartedBy { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset UpdatedUtc { get; set; }
    public DateTimeOffset? CompletedUtc { get; set; }
    /// <summary>Counts the states entered; tasks of one visit of a state share its number (parallel tasks, completion).</summary>
    public int Visit { get; set; }
    /// <summary>Optimistic concurrency: every change to the instance or its tasks bumps it, so two decisions cannot both win.</summary>
    public int Revision { get; set; }
}

/// <summary>A human task of one state visit.</summary>
internal sealed class TaskRecord : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public required string State { get; set; }
    /// <summary>The instance's <see cref="InstanceRecord.Visit"/> when the task was created.</summary>
    public int Visit { get; set; }
    public int Slot { get; set; }
    public required string Title { get; set; }
    public string? Role { get; set; }
    public string? AssigneeUserId { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUtc { get; set; }
    public DateTimeOffset? DueUtc { get; set; }
    public WorkflowTaskStatus Status { get; set; }
    public string? Outcome { get; set; }
    public string? Comment { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedUtc { get; set; }
    public bool Escalated { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

internal enum TimerKind { Reminder, Escalation, Transition }

/// <summary>
/// Something to do at a given time. A row, so pending timers survive restarts; fired once: the row is marked by a
/// conditional update in the same transaction as its effect.
/// </summary>
internal sealed class TimerRecord : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public Guid? TaskId { get; set; }
    public TimerKind Kind { get; set; }
    /// <summary>The state whose visit created the timer; leaving it cancels the timer.</summary>
    public required string State { get; set; }
    /// <summary>For transition timers.</summary>
    public string? Trigger { get; set; }
    public DateTimeOffset DueUtc { get; set; }
    public DateTimeOffset? FiredUtc { get; set; }
    public DateTimeOffset? CancelledUtc { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One line of the audit trail. Append-only: the context refuses changes, the database too (triggers).</summary>
internal sealed class AuditRecord : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public Guid? TaskId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? FromState { get; set; }
    public string? ToState { get; set; }
    public string? Trigger { get; set; }
    public string? Comment { get; set; }
}

internal sealed class WorkflowsDbContext(DbContextOptions<WorkflowsDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<WorkflowsDbContext>(options, database, tenant)
{
    public DbSet<DefinitionRecord> Definitions => Set<DefinitionRecord>();
    public DbSet<InstanceRecord> Instances => Set<InstanceRecord>();
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TimerRecord> Timers => Set<TimerRecord>();
    public DbSet<AuditRecord> Audit => Set<AuditRecord>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DefinitionRecord>(d =>
        {
            d.ToTable("workflows_definition");
            d.HasKey(x => new { x.DefinitionId, x.Version });
            d.Property(x => x.DefinitionId).HasMaxLength(64);
            d.Property(x => x.Name).HasMaxLength(200);
            d.Property(x => x.CreatedBy).HasMaxLength(64);
        });
        modelBuilder.Entity<InstanceRecord>(i =>
        {
            i.ToTable("workflows_instance");
            i.Property(x => x.DefinitionId).HasMaxLength(64);
            i.Property(x => x.State).HasMaxLength(64);
            i.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            i.Property(x => x.CorrelationType).HasMaxLength(64);
            i.Property(x => x.CorrelationId).HasMaxLength(128);
            i.Property(x => x.RunningKey).HasMaxLength(260);
            i.Property(x => x.StartedBy).HasMaxLength(64);
            i.Property(x => x.Revision).IsConcurrencyToken();
            i.HasIndex(x => new { x.TenantId, x.CorrelationType, x.CorrelationId });
            i.HasIndex(x => new { x.TenantId, x.RunningKey }).IsUnique();
        });
        modelBuilder.Entity<TaskRecord>(t =>
        {
            t.ToTable("workflows_task");
            t.Property(x => x.State).HasMaxLength(64);
            t.Property(x => x.Title).HasMaxLength(200);
            t.Property(x => x.Role).HasMaxLength(64);
            t.Property(x => x.AssigneeUserId).HasMaxLength(64);
            t.Property(x => x.ClaimedBy).HasMaxLength(64);
            t.Property(x => x.DecidedBy).HasMaxLength(64);
            t.Property(x => x.Outcome).HasMaxLength(64);
            t.Property(x => x.Comment).HasMaxLength(4000);
            t.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            t.HasIndex(x => x.InstanceId);
            t.HasIndex(x => new { x.TenantId, x.Status, x.Role });
            t.HasIndex(x => new { x.TenantId, x.Status, x.AssigneeUserId });
        });
        modelBuilder.Entity<TimerRecord>(t =>
        {
            t.ToTable("workflows_timer");
            t.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            t.Property(x => x.State).HasMaxLength(64);
            t.Property(x => x.Trigger).HasMaxLength(64);
            t.Property(x => x.LastError).HasMaxLength(2000);
            t.HasIndex(x => new { x.FiredUtc, x.CancelledUtc, x.DueUtc });
            t.HasIndex(x => x.InstanceId);
        });
        modelBuilder.Entity<AuditRecord>(a =>
        {
            a.ToTable("workflows_audit");
            a.Property(x => x.Actor).HasMaxLength(64);
            a.Property(x => x.Action).HasMaxLength(40);
            a.Property(x => x.FromState).HasMaxLength(64);
            a.Property(x => x.ToState).HasMaxLength(64);
            a.Property(x => x.Trigger).HasMaxLength(64);
            a.Property(x => x.Comment).HasMaxLength(4000);
            a.HasIndex(x => new { x.InstanceId, x.Id });
        });
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private void RefuseAuditChanges()
    {
        if (ChangeTracker.Entries<AuditRecord>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("Le journal d'un workflow est en ajout seul : une entrée ne se modifie ni ne se supprime.");
        if (ChangeTracker.Entries<DefinitionRecord>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("Une version de définition de workflow ne se modifie pas : enregistrez une nouvelle version.");
    }
}
