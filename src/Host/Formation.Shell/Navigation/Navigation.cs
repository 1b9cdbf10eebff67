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
public sealed record MenuItem(string Text, string Url, string Menu = Menus.Main, int Order = 100, string? FeatureId = null, IReadOnlyList<string>? Roles = null, bool AnonymousOnly = false, bool AuthenticatedOnly = false, bool PlatformOnly = false);

public interface INavigationProvider
{
    IEnumerable<MenuItem> GetItems();
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
}
