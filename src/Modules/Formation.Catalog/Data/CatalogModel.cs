using System.Text.Json;
using Formation.Catalog.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Formation.Catalog.Data;

public enum VersionState { Draft, Submitted, Published, Superseded, Rejected }

/// <summary>
/// A training module: its stable identity, owner portal ("plateforme" for the shared catalogue) and publisher.
/// Its content lives in versions; at most one is published, while the next may be drafted.
/// Not ITenantOwned: portals also read the platform's modules, so visibility is applied by the catalogue's queries.
/// </summary>
public sealed class TrainingModule
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string OwnerTenantId { get; set; }
    public required string Slug { get; set; }
    public Guid PublisherId { get; set; }
    public required string PublisherName { get; set; }
    public Guid? PublishedVersionId { get; set; }
    public bool Retired { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    /// <summary>Optimistic concurrency: two publications of one module cannot both win.</summary>
    public int Revision { get; set; }
    public List<ModuleVersion> Versions { get; set; } = [];
    public List<TrainingSession> Sessions { get; set; } = [];

    public ModuleVersion? Published => Versions.FirstOrDefault(v => v.Id == PublishedVersionId);
    public ModuleVersion? Draft => Versions.Where(v => v.State is VersionState.Draft or VersionState.Submitted).MaxBy(v => v.Number);
}

/// <summary>One version of a module's content. Kept for audit once superseded.</summary>
public sealed class ModuleVersion
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ModuleId { get; set; }
    public int Number { get; set; }
    public VersionState State { get; set; }
    public required ModuleContent Content { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset? SubmittedUtc { get; set; }
    public DateTimeOffset? PublishedUtc { get; set; }
    public string? AuthorId { get; set; }
}

/// <summary>What a learner reads about a module. Immutable: an edit makes a new content value.</summary>
public sealed record ModuleContent
{
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string DescriptionMarkdown { get; init; } = "";
    /// <summary>Rendered from the Markdown and sanitised.</summary>
    public string DescriptionHtml { get; init; } = "";
    public List<string> Objectives { get; init; } = [];
    public List<string> Outline { get; init; } = [];
    public List<string> Professions { get; init; } = [];
    public List<string> Themes { get; init; } = [];
    public ModuleLevel Level { get; init; }
    public ModuleFormat Format { get; init; }
    public decimal DurationHours { get; init; }
    public string Language { get; init; } = "fr";
    public string? Prerequisites { get; init; }
    public string? AccessibilityInfo { get; init; }
    public CertificationKind? CertificationKind { get; init; }
    public string? CertificationCode { get; init; }
    public bool CpfEligible { get; init; }
    public string? CoverImage { get; init; }
    public ModulePrices Prices { get; init; } = ModulePrices.Free;
}

/// <summary>A cohort of an accompanied module.</summary>
public sealed class TrainingSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ModuleId { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public int Capacity { get; set; }
    public string? Tutor { get; set; }
}

/// <summary>Which shared modules a portal shows.</summary>
public sealed class CatalogCuration : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public CurationMode Mode { get; set; }
    public List<string> Themes { get; set; } = [];
    public List<string> Professions { get; set; } = [];
    public List<Guid> PickedModuleIds { get; set; } = [];

    public CatalogCurationDto ToDto() => new(Mode, Themes, Professions, PickedModuleIds);
}

public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<CatalogDbContext>(options, database, tenant)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DbSet<TrainingModule> Modules => Set<TrainingModule>();
    public DbSet<ModuleVersion> Versions => Set<ModuleVersion>();
    public DbSet<TrainingSession> Sessions => Set<TrainingSession>();
    public DbSet<CatalogCuration> Curations => Set<CatalogCuration>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TrainingModule>(m =>
        {
            m.ToTable("catalog_module");
            m.Property(x => x.OwnerTenantId).HasMaxLength(64);
            m.Property(x => x.Slug).HasMaxLength(120);
            m.Property(x => x.PublisherName).HasMaxLength(200);
            m.HasIndex(x => new { x.OwnerTenantId, x.Slug }).IsUnique();
            m.HasIndex(x => x.PublisherId);
            m.Property(x => x.Revision).IsConcurrencyToken();
            m.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.ModuleId).OnDelete(DeleteBehavior.Cascade);
            m.HasMany(x => x.Sessions).WithOne().HasForeignKey(s => s.ModuleId).OnDelete(DeleteBehavior.Cascade);
            m.Ignore(x => x.Published);
            m.Ignore(x => x.Draft);
        });
        modelBuilder.Entity<ModuleVersion>(v =>
        {
            v.ToTable("catalog_module_version");
            v.HasIndex(x => new { x.ModuleId, x.Number }).IsUnique();
            v.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            v.Property(x => x.AuthorId).HasMaxLength(64);
            v.Property(x => x.Content).HasConversion(
                c => JsonSerializer.Serialize(c, Json),
                s => JsonSerializer.Deserialize<ModuleContent>(s, Json)!,
                new ValueComparer<ModuleContent>((a, b) => ReferenceEquals(a, b), c => c.GetHashCode(), c => c));
        });
        modelBuilder.Entity<TrainingSession>(s => s.ToTable("catalog_session"));
        modelBuilder.Entity<CatalogCuration>(c =>
        {
            c.ToTable("catalog_curation");
            c.HasKey(x => x.TenantId);
            c.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
        });
    }
}
