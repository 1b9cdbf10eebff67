using System.Security.Claims;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;

namespace Formation.Shell.Navigation;

public static class Menus
{
    public const string Main = "main";
    public const string Admin = "admin";
    public const string Account = "account";
}

/// <summary>A link a module adds to a menu. Shown only when its feature is on and the user holds one of the roles (if any).</summary>
/// <remarks><see cref="Children"/>: a second level (one only), shown as a drop-down by themes that support it.</remarks>
public sealed record MenuItem(string Text, string Url, string Menu = Menus.Main, int Order = 100, string? FeatureId = null, IReadOnlyList<string>? Roles = null, bool AnonymousOnly = false, bool AuthenticatedOnly = false, bool PlatformOnly = false, IReadOnlyList<MenuItem>? Children = null)
{
    public bool HasChildren => Children is { Count: > 0 };
}

public interface INavigationProvider
{
    IEnumerable<MenuItem> GetItems();
}

/// <summary>
/// Menu entries that depend on the portal's data (e.g. a menu its editors arrange). Scoped: may read the database.
/// Shown only when the feature of the module that registers it is on for the portal.
/// </summary>
public interface IMenuSource
{
    Task<IReadOnlyList<MenuItem>> GetItemsAsync(string menu, TenantInfo tenant, CancellationToken ct);
}

public sealed class NavigationService(IEnumerable<INavigationProvider> providers, FeatureService features)
{
    // Providers are singletons with fixed entries: resolved (feature) and sorted once, filtered per request.
    private readonly Lazy<IReadOnlyList<(MenuItem Item, string? Feature)>> _entries = new(() => providers
        .SelectMany(p =>
        {
            var moduleFeature = features.Catalog.ModuleOf(p.GetType().Assembly)?.Manifest.EffectiveFeatures[0].Id;
            return p.GetItems().Select(item => (item, item.FeatureId ?? moduleFeature));
        })
        .OrderBy(e => e.Item1.Order).ThenBy(e => e.Item1.Text, StringComparer.CurrentCulture)
        .ToList());

    public IReadOnlyList<MenuItem> For(string menu, TenantInfo tenant, ClaimsPrincipal user)
    {
        var signedIn = user.Identity?.IsAuthenticated == true;
        var items = new List<MenuItem>();
        foreach (var (item, feature) in _entries.Value)
        {
            if (item.Menu != menu) continue;
            if (feature is not null && !features.IsEnabled(tenant, feature)) continue;
            if (item.PlatformOnly && !tenant.IsPlatform) continue;
            if (item.AnonymousOnly && signedIn) continue;
            if ((item.AuthenticatedOnly || item.Roles is { Count: > 0 }) && !signedIn) continue;
            if (item.Roles is { Count: > 0 } roles && !roles.Any(user.IsInRole)) continue;
            items.Add(item);
        }
        return items;
    }

    /// <summary>The static entries plus those of the portal's <see cref="IMenuSource"/>s whose module is on.</summary>
    public async Task<IReadOnlyList<MenuItem>> ForAsync(string menu, TenantInfo tenant, ClaimsPrincipal user, IEnumerable<IMenuSource> sources, CancellationToken ct = default)
    {
        var items = For(menu, tenant, user);
        List<MenuItem>? merged = null;
        foreach (var source in sources)
        {
            var moduleFeature = features.Catalog.ModuleOf(source.GetType().Assembly)?.Manifest.EffectiveFeatures[0].Id;
            if (moduleFeature is not null && !features.IsEnabled(tenant, moduleFeature)) continue;
            var added = await source.GetItemsAsync(menu, tenant, ct);
            if (added.Count > 0) (merged ??= [.. items]).AddRange(added);
        }
        return merged is null ? items : merged.OrderBy(i => i.Order).ThenBy(i => i.Text, StringComparer.CurrentCulture).ToList();
    }
}
