using Formation.Shell.Media;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Tenants.Data;
using Formation.Tenants.Recipes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tenants;

public sealed class TenantsModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Tenants",
        Name = "Portails",
        Description = "Portails en marque blanche : résolution par hôte ou préfixe, marque, thème, fonctionnalités, page d'accueil.",
        Category = "Socle",
        IsCore = true,
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<TenantsDbContext>();
        services.AddSingleton<ITenantDirectory, TenantDirectory>();
        services.AddScoped<TenantAdministration>();
        services.AddScoped<IRecipeStep, TenantsStep>();
        services.AddScoped<IRecipeStep, ThemesStep>();
        services.AddScoped<IRecipeStep, FeaturesStep>();
        services.AddScoped<IRecipeStep, SettingsStep>();
        services.AddSingleton<INavigationProvider, TenantsNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // The portal's logo, read from the data path. SVG is sandboxed so that it can never run script.
        endpoints.MapGet("/marque/logo", (TenantContext tenant, AppPaths paths, HttpContext http) =>
        {
            var folder = Path.Combine(paths.DataPath, "tenants", tenant.Required.Id);
            var file = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "logo.*").FirstOrDefault() : null;
            if (file is null) return Results.NotFound();
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(file, ImageFiles.ContentTypes[Path.GetExtension(file).TrimStart('.')]);
        }).ExcludeFromDescription();

        endpoints.MapGet("/api/portail", (TenantContext tenant, FeatureService features) =>
        {
            var t = tenant.Required;
            return TypedResults.Ok(new PortalDto(t.Id, t.Name, t.Brand.SiteTitle, t.Brand.Tagline, t.Brand.OperatorName, t.Brand.PrimaryColor,
                t.Brand.LogoUrl, t.ThemeId, features.Catalog.Features.Where(f => features.IsEnabled(t, f.Id)).Select(f => f.Id).Order().ToList()));
        })
        .WithName("GetPortal").WithTags("Portail")
        .WithSummary("Le portail courant : nom, marque, thème et fonctionnalités actives (public).");
    }
}

/// <summary>Public description of the portal answering the request.</summary>
public sealed record PortalDto(string Id, string Name, string SiteTitle, string? Tagline, string? OperatorName, string PrimaryColor, string? LogoUrl, string Theme, IReadOnlyList<string> Features);

internal sealed class TenantsNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Accueil", "/", Menus.Main, Order: 0),
        new("Marque et thème", "/admin/marque", Menus.Admin, Order: 10, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Portails", "/plateforme/portails", Menus.Admin, Order: 0, Roles: [Roles.PlatformAdmin], PlatformOnly: true),
    ];
}
