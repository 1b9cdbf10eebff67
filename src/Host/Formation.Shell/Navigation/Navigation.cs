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
    public IReadOnlyList<MenuItem> For(string menu, TenantInfo tenant, ClaimsPrincipal user)
    {
        var signedIn = user.Identity?.IsAuthenticated == true;
        var items = new List<MenuItem>();
        foreach (var provider in providers)
        {
            var moduleFeature = features.Catalog.ModuleOf(provider.GetType().Assembly)?.Manifest.EffectiveFeatures[0].Id;
            foreach (var item in provider.GetItems())
            {
                if (item.Menu != menu) continue;
                var feature = item.FeatureId ?? moduleFeature;
                if (feature is not null && !features.IsEnabled(tenant, feature)) continue;
                if (item.PlatformOnly && !tenant.IsPlatform) continue;
                if (item.AnonymousOnly && signedIn) continue;
                if ((item.AuthenticatedOnly || item.Roles is { Count: > 0 }) && !signedIn) continue;
                if (item.Roles is { Count: > 0 } roles && !roles.Any(user.IsInRole)) continue;
                items.Add(item);
            }
        }
        return items.OrderBy(i => i.Order).ThenBy(i => i.Text, StringComparer.CurrentCulture).ToList();
    }

    /// <summary>The static entries plus those of the portal's <see cref="IMenuSource"/>s whose module is on.</summary>
    public async Task<IReadOnlyList<MenuItem>> ForAsync(string menu, TenantInfo tenant, ClaimsPrincipal user, IEnumerable<IMenuSource> sources, CancellationToken ct = default)
    {
        var items = For(menu, tenant, user).ToList();
        foreach (var source in sources)
        {
            var moduleFeature = features.Catalog.ModuleOf(source.GetType().Assembly)?.Manifest.EffectiveFeatures[0].Id;
            if (moduleFeature is not null && !features.IsEnabled(tenant, moduleFeature)) continue;
            items.AddRange(await source.GetItemsAsync(menu, tenant, ct));
        }
        return items.OrderBy(i => i.Order).ThenBy(i => i.Text, StringComparer.CurrentCulture).ToList();
    }
}
