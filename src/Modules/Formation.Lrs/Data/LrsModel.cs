using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Lrs.Data;

/// <summary>
/// One stored statement. Every query filter has its own column; the statement itself is kept as JSON exactly as
/// stored (with id, stored, authority, version set), so the exact/ids/canonical formats are derived from it.
/// Times are UTC ticks (sortable and comparable on both providers).
/// </summary>
public sealed class LrsStatement : ITenantOwned
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "";
    /// <summary>Lowercase UUIDs as text: the same bytes whichever provider or client wrote them.</summary>
    public required string StatementId { get; set; }
    public required string VerbId { get; set; }
    /// <summary>The object's activity id, when the object is an activity.</summary>
    public string? ActivityId { get; set; }
    /// <summary>The actor's identifier key (see AgentKeys).</summary>
    public required string ActorKey { get; set; }
    /// <summary>The authority's identifier key, for statements/read/mine and related_agents.</summary>
    public required string AuthorityKey { get; set; }
    public string? Registration { get; set; }
    /// <summary>The statement this one refers to (object StatementRef), voided or not.</summary>
    public string? TargetStatementId { get; set; }
    public long StoredTicks { get; set; }
    public long TimestampTicks { get; set; }
    public bool Voided { get; set; }
    public bool IsVoiding { get; set; }
    public required string Json { get; set; }
    /// <summary>Hash of the statement's meaning (stored/authority/version aside), for "same id, same content" checks.</summary>
    public required string ContentHash { get; set; }
}

/// <summary>Agents and activities a statement mentions, for agent/activity filters (Direct: actor/object only).</summary>
public sealed class LrsStatementLink : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public long StatementSeq { get; set; }
    /// <summary>'A' agent key, 'C' activity id.</summary>
    public required string Kind { get; set; }
    public required string Key { get; set; }
    public bool Direct { get; set; }
}

public sealed class LrsAttachment : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public required string Sha2 { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>A state, activity profile or agent profile document.</summary>
public sealed class LrsDocument : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    /// <summary>"state", "activity-profile", "agent-profile".</summary>
    public required string Kind { get; set; }
    public string ActivityId { get; set; } = "";
    public string AgentKey { get; set; } = "";
    public string Registration { get; set; } = "";
    public required string DocumentId { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public required string ETag { get; set; }
    public long UpdatedTicks { get; set; }
}

/// <summary>Credentials of an LRS client of a portal (an activity provider, a reporting tool).</summary>
public sealed class LrsClient : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string Name { get; set; }
    public required string Key { get; set; }
    /// <summary>Salted SHA-256 of the secret: secrets are random and long, so a slow hash buys nothing here.</summary>
    public required string SecretHash { get; set; }
    public required string Salt { get; set; }
    /// <summary>Space-separated xAPI scopes.</summary>
    public required string Scopes { get; set; }
    public bool Enabled { get; set; } = true;
    public long CreatedTicks { get; set; }
}

/// <summary>A temporary credential of one cmi5 AU session (actor + registration), until it expires or is revoked.</summary>
public sealed class LrsSessionCredential : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string Key { get; set; }
    public required string SecretHash { get; set; }
    public required string ActorJson { get; set; }
    public required string ActorKey { get; set; }
    public Guid Registration { get; set; }
    public required string AuActivityId { get; set; }
    public required string SessionId { get; set; }
    public long ExpiresTicks { get; set; }
    public bool Revoked { get; set; }
    /// <summary>The AU read its learner's cmi5 preferences with this session (cmi5 11.0: before "initialized").</summary>
    public bool PreferencesRead { get; set; }
}

public sealed class LrsDbContext(DbContextOptions<LrsDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<LrsDbContext>(options, database, tenant)
{
    public DbSet<LrsStatement> Statements => Set<LrsStatement>();
    public DbSet<LrsStatementLink> Links => Set<LrsStatementLink>();
    public DbSet<LrsAttachment> Attachments => Set<LrsAttachment>();
    public DbSet<LrsDocument> Documents => Set<LrsDocument>();
    public DbSet<LrsClient> Clients => Set<LrsClient>();
    public DbSet<LrsSessionCredential> SessionCredentials => Set<LrsSessionCredential>();

    internal const string RegistrationIndexFilter = "\"Registration\" IS NOT NULL";
    internal const string TargetIndexFilter = "\"TargetStatementId\" IS NOT NULL";

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var statement = modelBuilder.Entity<LrsStatement>();
        statement.ToTable("lrs_statement");
        statement.HasKey(s => s.Seq);
        statement.Property(s => s.Seq).ValueGeneratedOnAdd();
        statement.HasIndex(s => new { s.TenantId, s.StatementId }).IsUnique();
        statement.HasIndex(s => new { s.TenantId, s.VerbId, s.Seq });
        statement.HasIndex(s => new { s.TenantId, s.ActivityId, s.VerbId, s.Seq });
        statement.HasIndex(s => new { s.TenantId, s.ActorKey, s.Seq });
        statement.HasIndex(s => new { s.TenantId, s.AuthorityKey, s.Seq });
        // Most statements have no registration (outside cmi5) and no target (not a StatementRef): their rows stay out of
        // these two indexes, which a query only uses with a value (StatementStore.QueryAsync).
        statement.HasIndex(s => new { s.TenantId, s.Registration, s.Seq }).HasFilter(RegistrationIndexFilter);
        statement.HasIndex(s => new { s.TenantId, s.TargetStatementId }).HasFilter(TargetIndexFilter);
        statement.HasIndex(s => new { s.TenantId, s.StoredTicks });
        statement.Property(s => s.ContentHash).HasMaxLength(64);
        statement.Property(s => s.StatementId).HasMaxLength(36);
        statement.Property(s => s.Registration).HasMaxLength(36);
        statement.Property(s => s.TargetStatementId).HasMaxLength(36);

        var link = modelBuilder.Entity<LrsStatementLink>();
        link.ToTable("lrs_statement_link");
        link.Property(l => l.Kind).HasMaxLength(1);
        // Links are only ever read through their key; nothing deletes them by statement, so no index on StatementSeq.
        link.HasIndex(l => new { l.TenantId, l.Kind, l.Key, l.StatementSeq });

        var attachment = modelBuilder.Entity<LrsAttachment>();
        attachment.ToTable("lrs_attachment");
        attachment.Property(a => a.Sha2).HasMaxLength(128);
        attachment.HasIndex(a => new { a.TenantId, a.Sha2 }).IsUnique();

        var document = modelBuilder.Entity<LrsDocument>();
        document.ToTable("lrs_document");
        document.Property(d => d.Kind).HasMaxLength(20);
        document.Property(d => d.Registration).HasMaxLength(36);
        document.Property(d => d.ETag).HasMaxLength(64);
        document.HasIndex(d => new { d.TenantId, d.Kind, d.ActivityId, d.AgentKey, d.Registration, d.DocumentId }).IsUnique();

        var client = modelBuilder.Entity<LrsClient>();
        client.ToTable("lrs_client");
        client.Property(c => c.Name).HasMaxLength(200);
        client.Property(c => c.Key).HasMaxLength(100);
        client.Property(c => c.SecretHash).HasMaxLength(100);
        client.Property(c => c.Salt).HasMaxLength(100);
        client.Property(c => c.Scopes).HasMaxLength(300);
        client.HasIndex(c => new { c.TenantId, c.Key }).IsUnique();

        var session = modelBuilder.Entity<LrsSessionCredential>();
        session.ToTable("lrs_session_credential");
        session.Property(c => c.Key).HasMaxLength(100);
        session.Property(c => c.SecretHash).HasMaxLength(100);
        session.Property(c => c.SessionId).HasMaxLength(200);
        session.HasIndex(c => new { c.TenantId, c.Key }).IsUnique();
    }
}
