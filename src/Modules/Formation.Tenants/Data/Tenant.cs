using System.Text.Json;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Formation.Tenants.Data;

/// <summary>A white-label portal. Platform-level row: not tenant-owned.</summary>
public sealed class Tenant
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public List<string> Hosts { get; set; } = [];
    public string? UrlPrefix { get; set; }
    public string ThemeId { get; set; } = "dsfr";
    public TenantStatus Status { get; set; } = TenantStatus.Active;
    public TenantBrand Brand { get; set; } = new();
    public List<string> EnabledFeatures { get; set; } = [];
    public TenantOidcSettings? Oidc { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset UpdatedUtc { get; set; }

    public TenantInfo ToInfo() => new()
    {
        Id = Id,
        Name = Name,
        Hosts = Hosts.ToArray(),
        UrlPrefix = UrlPrefix,
        ThemeId = ThemeId,
        Status = Status,
        Brand = Brand,
        EnabledFeatures = new HashSet<string>(EnabledFeatures, StringComparer.OrdinalIgnoreCase),
        Oidc = Oidc,
    };
}

public sealed class TenantsDbContext(DbContextOptions<TenantsDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<TenantsDbContext>(options, database, tenant)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var tenant = modelBuilder.Entity<Tenant>();
        tenant.ToTable("tenants_tenant");
        tenant.HasKey(t => t.Id);
        tenant.Property(t => t.Id).HasMaxLength(64);
        tenant.Property(t => t.Name).HasMaxLength(200);
        tenant.Property(t => t.UrlPrefix).HasMaxLength(64);
        tenant.HasIndex(t => t.UrlPrefix).IsUnique();
        tenant.Property(t => t.ThemeId).HasMaxLength(64);
        tenant.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        tenant.Property(t => t.Brand).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<TenantBrand>(v, Json) ?? new TenantBrand(),
            new ValueComparer<TenantBrand>((a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json), v => v.GetHashCode(), v => v));
        tenant.Property(t => t.Oidc).HasConversion(
            v => v == null ? null : JsonSerializer.Serialize(v, Json),
            v => v == null ? null : JsonSerializer.Deserialize<TenantOidcSettings>(v, Json));
    }
}
