using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning.Data;

public enum PackageKind { Cmi5Zip, Cmi5Xml, TinCanZip }

/// <summary>
/// A content package attached to a module version. Not tenant-filtered: a platform module's package is played by
/// learners of every portal that shows the module; writes check <see cref="OwnerTenantId"/> explicitly.
/// </summary>
public sealed class ContentPackage
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string OwnerTenantId { get; set; }
    public Guid ModuleId { get; set; }
    public Guid VersionId { get; set; }
    public int VersionNumber { get; set; }
    public PackageKind Kind { get; set; }
    /// <summary>The course id from cmi5.xml (publisher id), or the TinCan course activity id.</summary>
    public required string CourseId { get; set; }
    public required string Title { get; set; }
    /// <summary>The parsed course structure (<see cref="Packages.CourseStructure"/>) as JSON.</summary>
    public required string StructureJson { get; set; }
    public required string FileName { get; set; }
    public long SizeBytes { get; set; }
    public int FileCount { get; set; }
    /// <summary>False once a newer package replaced it for the same version (kept for registrations started on it).</summary>
    public bool Current { get; set; } = true;
    public string? UploadedBy { get; set; }
    public DateTimeOffset UploadedUtc { get; set; }
}

public enum EnrolmentStatus { Active, Completed }

/// <summary>A learner's enrolment in a module on their portal; its <see cref="Registration"/> is the cmi5/xAPI registration.</summary>
public sealed class Enrolment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string UserId { get; set; }
    public Guid ModuleId { get; set; }
    public Guid Registration { get; set; } = Guid.NewGuid();
    /// <summary>"self" (free self-enrolment), "commerce" (a paid order), "admin"…</summary>
    public required string Source { get; set; }
    public string? Reference { get; set; }
    /// <summary>The package the registration plays: fixed at the first launch so that the course structure does not move under it.</summary>
    public Guid? PackageId { get; set; }
    public EnrolmentStatus Status { get; set; }
    public DateTimeOffset EnrolledUtc { get; set; }
    public DateTimeOffset? FirstLaunchUtc { get; set; }
    public DateTimeOffset? LastActivityUtc { get; set; }
    public DateTimeOffset? CompletedUtc { get; set; }
    /// <summary>Progress summary kept by the moveOn evaluation (JSON of per-node state), for the dashboard.</summary>
    public string? ProgressJson { get; set; }
    /// <summary>
    /// Set when access was withdrawn (a refunded purchase, a seat taken back): the enrolment, its statements and its
    /// certificate stay for audit, but nothing can be launched any more. Orthogonal to <see cref="Status"/>.
    /// </summary>
    public DateTimeOffset? ClosedUtc { get; set; }
    /// <summary>Why access was closed: one of <see cref="Contracts.EnrolmentCloseReasons"/>.</summary>
    public string? ClosedReason { get; set; }
    public int Revision { get; set; }

    public bool IsClosed => ClosedUtc is not null;
}

/// <summary>One AU launch: its session id, the one-time fetch URL, the launch mode.</summary>
public sealed class LaunchSession : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid EnrolmentId { get; set; }
    public required string AuId { get; set; }
    public required string AuActivityId { get; set; }
    public required string SessionId { get; set; }
    public required string LaunchMode { get; set; }
    /// <summary>The actor of the launch URL, granted to the session token as is.</summary>
    public required string ActorJson { get; set; }
    /// <summary>SHA-256 of the secret part of the fetch URL; the URL itself is only in the launch URL.</summary>
    public required string FetchHash { get; set; }
    public DateTimeOffset? FetchedUtc { get; set; }
    public DateTimeOffset LaunchedUtc { get; set; }
    public DateTimeOffset ExpiresUtc { get; set; }
    /// <summary>Set when the session ended, by the AU (terminated) or by the LMS (abandoned).</summary>
    public DateTimeOffset? EndedUtc { get; set; }
}

/// <summary>A "certificat de réalisation": what it states is frozen at issue, so that verification shows exactly that.</summary>
public sealed class Certificate : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    /// <summary>The public verification code (12 characters, no ambiguous letters).</summary>
    public required string Code { get; set; }
    public Guid EnrolmentId { get; set; }
    public required string UserId { get; set; }
    public required string LearnerName { get; set; }
    public required string TrainingTitle { get; set; }
    public required string InstituteName { get; set; }
    public required string Nature { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public decimal DurationHours { get; set; }
    public DateTimeOffset IssuedUtc { get; set; }
}

public sealed class LearningDbContext(DbContextOptions<LearningDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<LearningDbContext>(options, database, tenant)
{
    public DbSet<ContentPackage> Packages => Set<ContentPackage>();
    public DbSet<Enrolment> Enrolments => Set<Enrolment>();
    public DbSet<LaunchSession> Sessions => Set<LaunchSession>();
    public DbSet<Certificate> Certificates => Set<Certificate>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var package = modelBuilder.Entity<ContentPackage>();
        package.ToTable("learning_package");
        package.Property(p => p.OwnerTenantId).HasMaxLength(64);
        package.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        package.Property(p => p.CourseId).HasMaxLength(2000);
        package.Property(p => p.Title).HasMaxLength(500);
        package.Property(p => p.FileName).HasMaxLength(260);
        package.Property(p => p.UploadedBy).HasMaxLength(64);
        package.HasIndex(p => new { p.ModuleId, p.VersionNumber });

        var enrolment = modelBuilder.Entity<Enrolment>();
        enrolment.ToTable("learning_enrolment");
        enrolment.Property(e => e.UserId).HasMaxLength(64);
        enrolment.Property(e => e.Source).HasMaxLength(32);
        enrolment.Property(e => e.Reference).HasMaxLength(200);
        enrolment.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        enrolment.Property(e => e.Revision).IsConcurrencyToken();
        enrolment.Property(e => e.ClosedReason).HasMaxLength(32);
        enrolment.Ignore(e => e.IsClosed);
        enrolment.HasIndex(e => new { e.TenantId, e.UserId, e.ModuleId }).IsUnique();
        enrolment.HasIndex(e => e.Registration).IsUnique();

        var session = modelBuilder.Entity<LaunchSession>();
        session.ToTable("learning_session");
        session.Property(s => s.AuId).HasMaxLength(2000);
        session.Property(s => s.AuActivityId).HasMaxLength(200);
        session.Property(s => s.SessionId).HasMaxLength(64);
        session.Property(s => s.LaunchMode).HasMaxLength(16);
        session.Property(s => s.FetchHash).HasMaxLength(64);
        session.Property(s => s.ActorJson).HasMaxLength(2000);
        session.HasIndex(s => s.SessionId).IsUnique();
        session.HasIndex(s => s.FetchHash).IsUnique();
        session.HasIndex(s => new { s.EnrolmentId, s.LaunchedUtc });

        var certificate = modelBuilder.Entity<Certificate>();
        certificate.ToTable("learning_certificate");
        certificate.Property(c => c.Code).HasMaxLength(16);
        certificate.Property(c => c.UserId).HasMaxLength(64);
        certificate.Property(c => c.LearnerName).HasMaxLength(200);
        certificate.Property(c => c.TrainingTitle).HasMaxLength(500);
        certificate.Property(c => c.InstituteName).HasMaxLength(300);
        certificate.Property(c => c.Nature).HasMaxLength(100);
        certificate.HasIndex(c => c.Code).IsUnique();
        certificate.HasIndex(c => c.EnrolmentId).IsUnique();
    }
}
