using System.Security.Claims;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Shell.Themes;

/// <summary>Everything a theme layout shows around a page, computed once per request.</summary>
public sealed class PortalLayout
{
    public required TenantInfo Tenant { get; init; }
    public required TenantBrand Brand { get; init; }
    public required string PathBase { get; init; }
    public required IReadOnlyList<MenuItem> MainMenu { get; init; }
    public required IReadOnlyList<MenuItem> AdminMenu { get; init; }
    public required IReadOnlyList<MenuItem> AccountMenu { get; init; }
    public required ClaimsPrincipal User { get; init; }
    public required string CurrentPath { get; init; }
    /// <summary>The page's address without its query: scheme, host, path base and path (for rel=canonical and og:url).</summary>
    public required string CanonicalUrl { get; init; }
    /// <summary>The portal's root address, e.g. <c>https://departement.example.fr/</c>.</summary>
    public required string SiteUrl { get; init; }

    /// <summary>An absolute address on this portal, for feeds, sitemaps and Open Graph.</summary>
    public string Absolute(string url) => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        ? url : SiteUrl.TrimEnd('/') + (url.StartsWith('/') ? url : "/" + url);

    public bool IsSignedIn => User.Identity?.IsAuthenticated == true;
    public string? UserDisplayName => User.FindFirstValue("name") ?? User.Identity?.Name;
    public string? LogoSrc => Brand.LogoUrl is null ? null : PathBase + Brand.LogoUrl;

    public string Href(string url) => url.StartsWith('/') ? PathBase + url : url;

    public bool IsCurrent(MenuItem item) =>
        item.Url == "/" ? CurrentPath == "/" : CurrentPath.StartsWith(item.Url, StringComparison.OrdinalIgnoreCase) || (item.Children?.Any(IsCurrent) ?? false);

    public string PageTitle(string? title) => string.IsNullOrWhiteSpace(title) ? Brand.SiteTitle : $"{title} — {Brand.SiteTitle}";

    /// <summary>CSS variables of the brand colour, mapped onto the DSFR action colours.</summary>
    public string BrandCss
    {
        get
        {
            var c = BrandColor.IsHex(Brand.PrimaryColor) ? Brand.PrimaryColor : "#000091";
            var hover = BrandColor.Darken(c);
            var tint = BrandColor.Tint(c);
            return $":root{{--brand:{c};--brand-hover:{hover};--brand-tint:{tint};" +
                   $"--background-action-high-blue-france:{c};--background-action-high-blue-france-hover:{hover};--background-action-high-blue-france-active:{hover};" +
                   $"--text-action-high-blue-france:{c};--border-action-high-blue-france:{c};--text-active-blue-france:{c};--border-active-blue-france:{c};" +
                   $"--text-title-blue-france:{c};--border-plain-blue-france:{c};--background-active-blue-france:{c};}}";
        }
    }

    public static PortalLayout For(HttpContext http)
    {
        var tenant = http.RequestServices.GetRequiredService<TenantContext>().Required;
        var navigation = http.RequestServices.GetRequiredService<NavigationService>();
        return Create(http, tenant, navigation.For(Menus.Main, tenant, http.User), navigation.For(Menus.Admin, tenant, http.User), navigation.For(Menus.Account, tenant, http.User));
    }

    /// <summary>The layout with the menus the portal's data adds (<see cref="IMenuSource"/>); what theme layouts use.</summary>
    public static async Task<PortalLayout> ForAsync(HttpContext http)
    {
        var tenant = http.RequestServices.GetRequiredService<TenantContext>().Required;
        var navigation = http.RequestServices.GetRequiredService<NavigationService>();
        var sources = http.RequestServices.GetServices<IMenuSource>().ToList();
        if (sources.Count == 0) return For(http);
        var ct = http.RequestAborted;
        return Create(http, tenant,
            await navigation.ForAsync(Menus.Main, tenant, http.User, sources, ct),
            await navigation.ForAsync(Menus.Admin, tenant, http.User, sources, ct),
            await navigation.ForAsync(Menus.Account, tenant, http.User, sources, ct));
    }

    private static PortalLayout Create(HttpContext http, TenantInfo tenant, IReadOnlyList<MenuItem> main, IReadOnlyList<MenuItem> admin, IReadOnlyList<MenuItem> account)
    {
        var pathBase = http.Request.PathBase.Value ?? "";
        var site = $"{http.Request.Scheme}://{http.Request.Host.Value}{pathBase}/";
        return new PortalLayout
        {
            Tenant = tenant,
            Brand = tenant.Brand,
            PathBase = pathBase,
            User = http.User,
            CurrentPath = http.Request.Path.Value ?? "/",
            CanonicalUrl = $"{http.Request.Scheme}://{http.Request.Host.Value}{pathBase}{http.Request.Path.Value}",
            SiteUrl = site,
            MainMenu = main,
            AdminMenu = admin,
            AccountMenu = account,
        };
    }

    public static string RoleLabel(string role) => Roles.Label(role);
}
