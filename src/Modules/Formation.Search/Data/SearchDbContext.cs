using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Search.Data;

/// <summary>A search that found nothing on a portal, counted per normalised text: material for the training-needs watch.</summary>
public sealed class ZeroResultQuery : ITenantOwned
{
    public const int MaxQueryLength = 200;

    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string Query { get; set; }
    public int Count { get; set; }
    public DateTimeOffset FirstSeenUtc { get; set; }
    public DateTimeOffset LastSeenUtc { get; set; }
}

public sealed class SearchDbContext(DbContextOptions<SearchDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<SearchDbContext>(options, database, tenant)
{
    public DbSet<ZeroResultQuery> ZeroResultQueries => Set<ZeroResultQuery>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var query = modelBuilder.Entity<ZeroResultQuery>();
        query.ToTable("search_zero_result_query");
        query.Property(q => q.Query).HasMaxLength(ZeroResultQuery.MaxQueryLength);
        query.HasIndex(q => new { q.TenantId, q.Query }).IsUnique();
    }
}
