namespace Formation.Shell.Tenancy;

public sealed record TenantMatch(TenantInfo Tenant, string? PathBase);

/// <summary>Finds the portal of a request: by URL prefix on its own or the platform's hosts, else by host name (port ignored).</summary>
public static class TenantResolver
{
    public static TenantMatch? Resolve(IReadOnlyList<TenantInfo> tenants, string host, string path)
    {
        host = host.ToLowerInvariant();
        var platform = tenants.FirstOrDefault(t => t.IsPlatform);
        var firstSegment = FirstSegment(path);

        if (firstSegment is not null)
        {
            foreach (var tenant in tenants)
            {
                if (tenant.UrlPrefix is not { Length: > 0 } prefix || !string.Equals(prefix, firstSegment, StringComparison.OrdinalIgnoreCase))
                    continue;
                if (HasHost(tenant, host) || (platform is not null && HasHost(platform, host)))
                    return new TenantMatch(tenant, "/" + prefix);
            }
        }

        var byHost = tenants.FirstOrDefault(t => HasHost(t, host));
        return byHost is null ? null : new TenantMatch(byHost, null);
    }

    private static bool HasHost(TenantInfo tenant, string host) =>
        tenant.Hosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));

    private static string? FirstSegment(string path)
    {
        if (string.IsNullOrEmpty(path) || path == "/") return null;
        var trimmed = path.AsSpan(1);
        var slash = trimmed.IndexOf('/');
        return (slash < 0 ? trimmed : trimmed[..slash]).ToString();
    }
}
