using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Review.Data;

/// <summary>An expert of a portal who may review modules: themes of expertise, institute (never reviews its modules), lead or not.</summary>
public sealed class ReviewerProfile : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string UserId { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public List<string> Themes { get; set; } = [];
    public Guid? InstituteId { get; set; }
    public bool IsLead { get; set; }
    public bool Active { get; set; } = true;

    public Reviewer ToReviewer() => new(UserId, Name, Themes.ToHashSet(StringComparer.Ordinal), InstituteId, IsLead, Active);
}

/// <summary>One round of review of a module: the content as submitted (a snapshot, so later rounds can show what changed).</summary>
public sealed class ReviewRound : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public Guid ModuleId { get; set; }
    public Guid VersionId { get; set; }
    public Guid PublisherId { get; set; }
    public int Number { get; set; }
    /// <summary>The module's content when it was submitted (JSON of the catalogue's ModuleContent).</summary>
    public string ContentJson { get; set; } = "{}";
    public List<string> Reviewers { get; set; } = [];
    public string? LeadUserId { get; set; }
    /// <summary>French problems found by the automatic checks (empty when they passed).</summary>
    public List<string> CheckProblems { get; set; } = [];
    public DateTimeOffset SubmittedUtc { get; set; }
    public string? Outcome { get; set; }
    public DateTimeOffset? DecidedUtc { get; set; }
    /// <summary>A periodic re-review of the published version (not a publisher's submission).</summary>
    public bool Periodic { get; set; }
}

/// <summary>One expert's review in a round: a score per criterion, a comment and a decision.</summary>
public sealed class ReviewScore : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public int Round { get; set; }
    public Guid TaskId { get; set; }
    public required string ReviewerUserId { get; set; }
    public bool IsLead { get; set; }
    public Dictionary<string, int> Scores { get; set; } = [];
    public double? Average { get; set; }
    public string Comment { get; set; } = "";
    public required string Decision { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>An in-app notice for one person (a copy goes by e-mail).</summary>
public sealed class ReviewNotification : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string UserId { get; set; }
    public required string Text { get; set; }
    public string? Link { get; set; }
    public bool Read { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>What caused it (event and key), so a redelivered event notifies once.</summary>
    public required string Key { get; set; }
}

/// <summary>Platform-wide settings of the review (one row).</summary>
public sealed class ReviewSettingsRecord
{
    public int Id { get; set; } = 1;
    public string GridJson { get; set; } = "";
    public int DueDays { get; set; } = 10;
    public int ReminderDaysBefore { get; set; } = 2;
    public bool ShowReviewerIdentities { get; set; }
    public int ReReviewDays { get; set; } = 365;
}

public sealed class ReviewDbContext(DbContextOptions<ReviewDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<ReviewDbContext>(options, database, tenant)
{
    public DbSet<ReviewerProfile> Reviewers => Set<ReviewerProfile>();
    public DbSet<ReviewRound> Rounds => Set<ReviewRound>();
    public DbSet<ReviewScore> Scores => Set<ReviewScore>();
    public DbSet<ReviewNotification> Notifications => Set<ReviewNotification>();
    public DbSet<ReviewSettingsRecord> Settings => Set<ReviewSettingsRecord>();

    protected override void ConfigureModel(ModelBuilder b)
    {
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var list = new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<string>>((a, c) => a!.SequenceEqual(c!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode())), l => l.ToList());
        var dict = new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, int>>((a, c) => a!.Count == c!.Count && !a.Except(c).Any(), d => d.Count, d => new Dictionary<string, int>(d));

        var p = b.Entity<ReviewerProfile>();
        p.ToTable("review_reviewer");
        p.HasIndex(x => new { x.TenantId, x.UserId }).IsUnique();
        p.Property(x => x.Themes).HasConversion(v => System.Text.Json.JsonSerializer.Serialize(v, json), v => System.Text.Json.JsonSerializer.Deserialize<List<string>>(v, json) ?? new(), list);

        var r = b.Entity<ReviewRound>();
        r.ToTable("review_round");
        r.HasIndex(x => new { x.InstanceId, x.Number }).IsUnique();
        r.HasIndex(x => x.ModuleId);
        r.Property(x => x.Reviewers).HasConversion(v => System.Text.Json.JsonSerializer.Serialize(v, json), v => System.Text.Json.JsonSerializer.Deserialize<List<string>>(v, json) ?? new(), list);
        r.Property(x => x.CheckProblems).HasConversion(v => System.Text.Json.JsonSerializer.Serialize(v, json), v => System.Text.Json.JsonSerializer.Deserialize<List<string>>(v, json) ?? new(), list);

        var s = b.Entity<ReviewScore>();
        s.ToTable("review_score");
        s.HasIndex(x => new { x.InstanceId, x.Round });
        s.HasIndex(x => x.TaskId).IsUnique();
        s.Property(x => x.Scores).HasConversion(v => System.Text.Json.JsonSerializer.Serialize(v, json), v => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(v, json) ?? new(), dict);

        var n = b.Entity<ReviewNotification>();
        n.ToTable("review_notification");
        n.HasIndex(x => new { x.TenantId, x.UserId, x.At });
        n.HasIndex(x => new { x.TenantId, x.Key, x.UserId }).IsUnique();

        b.Entity<ReviewSettingsRecord>().ToTable("review_settings").Property(x => x.Id).ValueGeneratedNever();
    }
}

internal sealed class M0001_Initial : CreateSchemaMigration<ReviewDbContext>
{
    public override string Id => "0001_initial";
}

/// <summary>Published modules come back for review after a number of days (yearly by default).</summary>
internal sealed class M0002_ReReview : ModelChangeMigration<ReviewDbContext>
{
    public override string Id => "0002_re_review";

    protected override void Up(Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder builder)
    {
        builder.AddColumn<int>("ReReviewDays", "review_settings", nullable: false, defaultValue: 365);
        builder.AddColumn<bool>("Periodic", "review_round", nullable: false, defaultValue: false);
    }
}
