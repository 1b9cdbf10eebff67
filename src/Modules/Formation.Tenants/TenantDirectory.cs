using Formation.Shell.Tenancy;
using Formation.Tenants.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tenants;

/// <summary>
/// The portals, cached in memory for the request pipeline. Invalidated on every change made here;
/// the short lifetime keeps several web nodes in step without a message bus.
/// </summary>
public sealed class TenantDirectory(IServiceScopeFactory scopes, TimeProvider time) : ITenantDirectory
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _loading = new(1, 1);

    private sealed record Snapshot(IReadOnlyList<TenantInfo> Tenants, DateTimeOffset LoadedAt);

    public async ValueTask<IReadOnlyList<TenantInfo>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < Lifetime) return snapshot.Tenants;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < Lifetime) return snapshot.Tenants;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TenantsDbContext>();
            var rows = await db.Tenants.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken);
            var tenants = rows.Select(r => r.ToInfo()).ToList();
            _snapshot = new Snapshot(tenants, time.GetUtcNow());
            return tenants;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Invalidate() => _snapshot = null;
}
