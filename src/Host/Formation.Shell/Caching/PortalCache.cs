using System.Collections.Concurrent;
using Formation.Shell.Tenancy;

namespace Formation.Shell.Caching;

/// <summary>
/// One value per portal kept in memory (register as a singleton, one per kind of value). The module that changes the
/// value drops the portal's entry after its transaction commits; entries also expire after <see cref="Lifetime"/> so
/// that several web nodes converge without a bus. Dropping the platform's entry drops every portal's, since portals
/// read the platform's shared data too.
/// </summary>
public class PortalCache<T>(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Loaded, T Value)> _entries = new();

    public async ValueTask<T> GetOrLoadAsync(string tenantId, Func<CancellationToken, Task<T>> load, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && now - entry.Loaded < Lifetime) return entry.Value;
        var value = await load(ct);
        _entries[tenantId] = (now, value);
        return value;
    }

    public void Invalidate(string tenantId)
    {
        if (tenantId == TenantInfo.PlatformId) _entries.Clear();
        else _entries.TryRemove(tenantId, out _);
    }
}
