using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Insights.Data;

public enum NeedUrgency { WithinAYear, WithinSixMonths, Urgent }

/// <summary>A training need stated by a learner or an employer on a portal: the raw material of the needs watch.</summary>
public sealed class TrainingNeed : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string Theme { get; set; }
    public string? Profession { get; set; }
    public required string Territory { get; set; }
    public int People { get; set; }
    public NeedUrgency Urgency { get; set; }
    public string? Comment { get; set; }
    public string? SubmittedByUserId { get; set; }
    /// <summary>"employer" or "learner": who speaks, for the dashboard.</summary>
    public required string SubmittedAs { get; set; }
    public Guid? OrganisationId { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

/// <summary>A learner's satisfaction with a module they followed ("évaluation à chaud"): one per learner and module, updatable.</summary>
public sealed class ModuleRating : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid ModuleId { get; set; }
    public required string UserId { get; set; }
    public int Stars { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

public sealed class InsightsDbContext(DbContextOptions<InsightsDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<InsightsDbContext>(options, database, tenant)
{
    public DbSet<TrainingNeed> Needs => Set<TrainingNeed>();
    public DbSet<ModuleRating> Ratings => Set<ModuleRating>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var need = modelBuilder.Entity<TrainingNeed>();
        need.ToTable("insights_training_need");
        need.Property(n => n.Theme).HasMaxLength(64);
        need.Property(n => n.Profession).HasMaxLength(64);
        need.Property(n => n.Territory).HasMaxLength(3);
        need.Property(n => n.Comment).HasMaxLength(2000);
        need.Property(n => n.SubmittedAs).HasMaxLength(16);
        need.Property(n => n.Urgency).HasConversion<string>().HasMaxLength(20);
        need.HasIndex(n => new { n.TenantId, n.CreatedUtc });

        var rating = modelBuilder.Entity<ModuleRating>();
        rating.ToTable("insights_module_rating");
        rating.Property(r => r.UserId).HasMaxLength(64);
        rating.Property(r => r.Comment).HasMaxLength(2000);
        rating.HasIndex(r => new { r.TenantId, r.ModuleId, r.UserId }).IsUnique();
    }
}
