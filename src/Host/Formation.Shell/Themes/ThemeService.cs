using Formation.Shell.Modules;
using Formation.Shell.Tenancy;

namespace Formation.Shell.Themes;

/// <summary>The layout of the current portal's theme; falls back to the default theme.</summary>
public sealed class ThemeService(ModuleCatalog catalog, TenantContext tenant)
{
    public const string DefaultThemeId = "dsfr";

    public IEnumerable<ThemeManifest> Available => catalog.Themes;

    public ThemeManifest Current =>
        catalog.Themes.FirstOrDefault(t => string.Equals(t.Id, tenant.Tenant?.ThemeId, StringComparison.OrdinalIgnoreCase))
        ?? catalog.Themes.FirstOrDefault(t => t.Id == DefaultThemeId)
        ?? catalog.Themes.First();
}
