using Formation.Content.Data;
using Formation.Content.Home;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Content;

public sealed class ContentModule : FormationModule
{
    public const string FeatureId = "Formation.Content";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = FeatureId,
        Name = "Centre de ressources",
        Description = "Pages, actualités, ressources et bonnes pratiques du portail : édition avec aperçu, médiathèque, menu, page d'accueil en blocs, modération des bonnes pratiques proposées, flux Atom et plan du site.",
        Category = "Contenus",
        Dependencies = ["Formation.Catalog", "Formation.Workflows"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ContentDbContext>();
        services.AddSingleton<ContentCache>();
        services.AddSingleton<MenuCache>();
        services.AddScoped<ContentAuthoring>();
        services.AddScoped<ContentReader>();
        services.AddScoped<MediaLibrary>();
        services.AddScoped<ContentMenus>();
        services.AddScoped<HomeBlocks>();
        services.AddScoped<Moderation>();
        services.AddScoped<ContentTransfer>();
        services.AddScoped<IMenuSource, ContentMenuSource>();
        services.AddScoped<Formation.Shell.Search.ISearchableSource, ContentSearchSource>();
        services.AddSingleton(new Formation.Shell.Search.SearchableSourceFeature(ContentSearchSource.SourceName, FeatureId));
        services.AddScoped<IRecipeStep, Recipes.ContentStep>();
        services.AddSingleton<INavigationProvider, ContentNavigation>();
        services.AddZoneItem(Zones.PortalHome, "ContentHome", FeatureId);
        services.AddZoneItem(Zones.ModulePageAfter, "RelatedResources", FeatureId);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => ContentEndpoints.Map(endpoints);
}

internal sealed class ContentNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Actualités", "/actualites", Menus.Main, Order: 20),
        new("Ressources", "/ressources", Menus.Main, Order: 25),
        new("Proposer une bonne pratique", "/bonnes-pratiques/proposer", Menus.Main, Order: 28, AuthenticatedOnly: true),
        new("Contenus", "/admin/contenus", Menus.Admin, Order: 10, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Médiathèque", "/admin/medias", Menus.Admin, Order: 11, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Modération", "/admin/moderation", Menus.Admin, Order: 12, Roles: [Roles.TenantAdmin]),
        new("Menu du portail", "/admin/menu", Menus.Admin, Order: 13, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Page d'accueil", "/admin/accueil", Menus.Admin, Order: 14, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
    ];
}
