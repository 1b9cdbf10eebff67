using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Formation.Shell.Data;

/// <summary>A row that belongs to one portal. A global query filter hides other portals' rows.</summary>
public interface ITenantOwned
{
    string TenantId { get; set; }
}

public interface ITenantScopedContext
{
    string? CurrentTenantId { get; }
}

public sealed class TenantIsolationException(string message) : InvalidOperationException(message);

/// <summary>Column conventions shared by every module DbContext.</summary>
public static class ShellConventions
{
    /// <summary>SQLite cannot order or compare DateTimeOffset: store UTC instants as sortable ticks there.</summary>
    public static void Apply(ModelConfigurationBuilder builder, Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database)
    {
        if (database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
            builder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        else
            // PostgreSQL's timestamptz takes UTC only: a time given with its offset (a recipe's "+02:00") is the same instant in UTC.
            builder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }
}

/// <summary>Writes every DateTimeOffset as the same instant in UTC.</summary>
public sealed class UtcDateTimeOffsetConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, DateTimeOffset>(
    value => value.ToUniversalTime(), value => value);

/// <summary>Tenant isolation shared by every module DbContext.</summary>
public static class TenantModel
{
    private static readonly MethodInfo ApplyMethod = typeof(TenantModel).GetMethod(nameof(ApplyFilter), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Adds <c>TenantId == context.CurrentTenantId</c> to every tenant-owned entity, plus an index on TenantId unless one begins with it.</summary>
    public static void ApplyTenantFilters<TContext>(ModelBuilder modelBuilder, TContext context)
        where TContext : DbContext, ITenantScopedContext
    {
        foreach (var entityType in modelBuilder.Model.GetEntityTypes().ToList())
        {
            if (entityType.BaseType is not null || !typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType)) continue;
            ApplyMethod.MakeGenericMethod(typeof(TContext), entityType.ClrType).Invoke(null, [modelBuilder, context]);
        }
    }

    private static void ApplyFilter<TContext, TEntity>(ModelBuilder modelBuilder, TContext context)
        where TContext : DbContext, ITenantScopedContext
        where TEntity : class, ITenantOwned
    {
        // The filter reads the property of the context instance running the query (EF re-binds it per context).
        var entity = modelBuilder.Entity<TEntity>();
        entity.HasQueryFilter(e => e.TenantId == context.CurrentTenantId);
        entity.Property(e => e.TenantId).HasMaxLength(64).IsRequired();
        // An index led by TenantId serves the portal's lookups already; one more would only slow every write down.
        var led = entity.Metadata.GetIndexes().Select(i => i.Properties).Append(entity.Metadata.FindPrimaryKey()?.Properties)
            .Any(properties => properties?[0].Name == nameof(ITenantOwned.TenantId));
        if (!led) entity.HasIndex(e => e.TenantId);
    }

    /// <summary>Stamps new rows with the current tenant and refuses changes to another tenant's rows.</summary>
    public static void EnforceOnSave(ChangeTracker tracker, string? tenantId)
    {
        foreach (var entry in tracker.Entries<ITenantOwned>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    if (string.IsNullOrEmpty(entry.Entity.TenantId))
                        entry.Entity.TenantId = tenantId ?? throw new TenantIsolationException("Aucun portail courant : impossible d'enregistrer une donnée de portail.");
                    else if (entry.Entity.TenantId != tenantId)
                        throw new TenantIsolationException("Écriture refusée : la donnée appartient à un autre portail.");
                    break;
                case EntityState.Modified:
                case EntityState.Deleted:
                    var original = entry.Property(e => e.TenantId).OriginalValue;
                    if (original != tenantId || entry.Entity.TenantId != tenantId)
                        throw new TenantIsolationException("Modification refusée : la donnée appartient à un autre portail.");
                    break;
            }
        }
    }
}

/// <summary>Base of module DbContexts: shared scope connection, tenant filter and tenant stamping.</summary>
public abstract class FormationDbContext<TSelf> : DbContext, ITenantScopedContext
    where TSelf : FormationDbContext<TSelf>
{
    private readonly Formation.Shell.Tenancy.TenantContext _tenant;

    protected FormationDbContext(DbContextOptions options, ShellDatabase database, Formation.Shell.Tenancy.TenantContext tenant) : base(options)
    {
        _tenant = tenant;
        database.Attach(this);
    }

    public string? CurrentTenantId => _tenant.TenantId;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ConfigureModel(modelBuilder);
        // Applied with the concrete context type so that EF re-binds the filter to the querying instance.
        TenantModel.ApplyTenantFilters(modelBuilder, (TSelf)this);
    }

    protected abstract void ConfigureModel(ModelBuilder modelBuilder);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => ShellConventions.Apply(configurationBuilder, Database);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantModel.EnforceOnSave(ChangeTracker, CurrentTenantId);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantModel.EnforceOnSave(ChangeTracker, CurrentTenantId);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
