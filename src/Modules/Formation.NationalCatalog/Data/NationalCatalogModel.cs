using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog.Data;

/// <summary>
/// One training of the national offer (a <c>numero_formation</c>), its export rows grouped: the text of its first row,
/// the départements and régions of all its rows, hour and price ranges. Platform-wide: every portal with the
/// feature reads the same catalogue, and shows only the <see cref="Relevant"/> ones. Written by the sync in bulk
/// (plain SQL), so every column is a simple type on both databases.
/// </summary>
public sealed class NationalTraining
{
    public required string NumeroFormation { get; set; }
    /// <summary>"cpf" (the Caisse des Dépôts export) or "lheo" (an imported LHEO file).</summary>
    public required string Source { get; set; }
    public required string Title { get; set; }
    public string? OrganisationName { get; set; }
    public string? Siret { get; set; }
    /// <summary>RNCP or RS.</summary>
    public string? CertificationType { get; set; }
    public string? CodeRncp { get; set; }
    public string? CodeRs { get; set; }
    public string? CertificationTitle { get; set; }
    public string? Level { get; set; }
    public string? CodeCertifinfo { get; set; }
    /// <summary>Space-separated.</summary>
    public string? Formacodes { get; set; }
    public string? FormacodeLabel { get; set; }
    /// <summary>Space-separated.</summary>
    public string? NsfCodes { get; set; }
    public string? NsfLabels { get; set; }
    public string? RomeCodes { get; set; }
    /// <summary>Sanitised HTML.</summary>
    public string? HighlightsHtml { get; set; }
    public string? ObjectivesHtml { get; set; }
    public string? ContentHtml { get; set; }
    public string? ResultsHtml { get; set; }
    /// <summary><c>code|name</c> pairs separated by <c>;</c>.</summary>
    public string? Departements { get; set; }
    public string? Regions { get; set; }
    /// <summary>At least one row had no département: the training is (also) given at a distance.</summary>
    public bool DistanceLearning { get; set; }
    public int? HoursMin { get; set; }
    public int? HoursMax { get; set; }
    public long? PriceMinCents { get; set; }
    public long? PriceMaxCents { get; set; }
    public int Actions { get; set; }
    public int ActiveSessions { get; set; }
    public int DistanceSessions { get; set; }
    public string? DataDate { get; set; }
    /// <summary>Hash of the formation-level text (hex): unchanged text is not rewritten.</summary>
    public required string TextHash { get; set; }
    /// <summary>Hash of everything shown (hex): decides "changed".</summary>
    public required string ContentHash { get; set; }
    /// <summary>Bought with the CPF on Mon Compte Formation: every training of the CPF export; an LHEO one when it says so.</summary>
    public bool CpfEligible { get; set; }
    public bool Relevant { get; set; }
    /// <summary>The long texts are stored: the sync keeps them for the trainings shown only (they arrive at the next sync after a rule change).</summary>
    public bool HasDetails { get; set; }
    public bool Withdrawn { get; set; }
    public long FirstRunId { get; set; }
    public long ChangedRunId { get; set; }
}

public enum SyncStatus { Running, Succeeded, Failed }

/// <summary>The report of one sync: counts, duration, why it failed, the first rejected rows.</summary>
public sealed class SyncRun
{
    public long Id { get; set; }
    public required string Trigger { get; set; }
    public required string SourceName { get; set; }
    public SyncStatus Status { get; set; }
    public DateTimeOffset StartedUtc { get; set; }
    public DateTimeOffset? FinishedUtc { get; set; }
    public long DurationMs { get; set; }
    public string? FailureReason { get; set; }
    public long RowsRead { get; set; }
    public int Formations { get; set; }
    public int Relevant { get; set; }
    public int Rejected { get; set; }
    public int Added { get; set; }
    public int Changed { get; set; }
    public int Unchanged { get; set; }
    public int Withdrawn { get; set; }
    /// <summary>JSON array of <c>{line, reason}</c>, the first <see cref="SyncLimits.RejectsKept"/> ones.</summary>
    public string RejectsJson { get; set; } = "[]";
}

/// <summary>The ASE relevance rules (one row), as JSON, with who changed them last.</summary>
public sealed class RelevanceRuleSet
{
    public int Id { get; set; } = 1;
    public required string Json { get; set; }
    public DateTimeOffset UpdatedUtc { get; set; }
    public string? UpdatedBy { get; set; }
}

/// <summary>An employer's intention to top up an employee's CPF for a national training (the money goes through EDEF, never through us).</summary>
public sealed class TopUpIntention : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid OrganisationId { get; set; }
    public required string OrganisationName { get; set; }
    public required string Siren { get; set; }
    public required string EmployeeName { get; set; }
    public required string NumeroFormation { get; set; }
    public required string TrainingTitle { get; set; }
    public long AmountCents { get; set; }
    /// <summary>The four letters EDEF gives on its last step (consonant, vowel, consonant, vowel), once known.</summary>
    public string? EdefCode { get; set; }
    public DateOnly? ConfirmedOn { get; set; }
    public string? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

public sealed class NationalCatalogDbContext(DbContextOptions<NationalCatalogDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<NationalCatalogDbContext>(options, database, tenant)
{
    public const string TrainingTable = "nationalcatalog_training";

    public DbSet<NationalTraining> Trainings => Set<NationalTraining>();
    public DbSet<SyncRun> Runs => Set<SyncRun>();
    public DbSet<RelevanceRuleSet> Rules => Set<RelevanceRuleSet>();
    public DbSet<TopUpIntention> TopUps => Set<TopUpIntention>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var t = modelBuilder.Entity<NationalTraining>();
        t.ToTable(TrainingTable);
        t.HasKey(x => x.NumeroFormation);
        t.Property(x => x.NumeroFormation).HasMaxLength(200);
        t.Property(x => x.Source).HasMaxLength(8);
        t.Property(x => x.Siret).HasMaxLength(14);
        t.Property(x => x.CertificationType).HasMaxLength(8);
        t.Property(x => x.CodeRncp).HasMaxLength(16);
        t.Property(x => x.CodeRs).HasMaxLength(16);
        t.Property(x => x.TextHash).HasMaxLength(32);
        t.Property(x => x.ContentHash).HasMaxLength(32);
        t.HasIndex(x => new { x.Relevant, x.Withdrawn });

        var r = modelBuilder.Entity<SyncRun>();
        r.ToTable("nationalcatalog_run");
        r.Property(x => x.Trigger).HasMaxLength(32);
        r.Property(x => x.SourceName).HasMaxLength(500);
        r.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        r.HasIndex(x => x.StartedUtc);

        var rules = modelBuilder.Entity<RelevanceRuleSet>();
        rules.ToTable("nationalcatalog_rules");
        rules.Property(x => x.Id).ValueGeneratedNever();
        rules.Property(x => x.UpdatedBy).HasMaxLength(200);

        var topUp = modelBuilder.Entity<TopUpIntention>();
        topUp.ToTable("nationalcatalog_topup");
        topUp.Property(x => x.OrganisationName).HasMaxLength(200);
        topUp.Property(x => x.Siren).HasMaxLength(9);
        topUp.Property(x => x.EmployeeName).HasMaxLength(200);
        topUp.Property(x => x.NumeroFormation).HasMaxLength(200);
        topUp.Property(x => x.TrainingTitle).HasMaxLength(500);
        topUp.Property(x => x.EdefCode).HasMaxLength(4);
        topUp.HasIndex(x => new { x.TenantId, x.OrganisationId, x.CreatedUtc });
    }
}
