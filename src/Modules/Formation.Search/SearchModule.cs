using Formation.Catalog.Contracts;
using Formation.Search.Analysis;
using Formation.Search.Data;
using Formation.Search.Indexing;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Hosting;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Search;

public sealed class SearchModule : FormationModule
{
    public const string Feature = "Formation.Search";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Recherche",
        Description = "Recherche en texte intégral des formations (analyse du français, synonymes de l'ASE, tolérance aux fautes de frappe), facettes, API et page de recherche.",
        Category = "Catalogue",
        Dependencies = ["Formation.Catalog"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<SearchDbContext>();
        services.AddSingleton<SynonymStore>();
        services.AddSingleton<SearchIndex>();
        services.AddScoped<ModuleSearch>();
        services.AddScoped<ICatalogOverview, SearchCatalogOverview>();
        services.AddScoped<ISearchAnalytics, SearchAnalytics>();
        services.AddSingleton<CatalogOverviewCache>();
        services.AddScoped<IDomainEventHandler<ModulePublished>, SearchIndexMaintenance>();
        services.AddScoped<IDomainEventHandler<ModuleUnpublished>, SearchIndexMaintenance>();
        services.AddScoped<IDomainEventHandler<Formation.Shell.Search.SearchableDocumentChanged>, DocumentIndexMaintenance>();
        services.AddScoped<IDomainEventHandler<Formation.Shell.Search.SearchableSourceReplaced>, SourceIndexMaintenance>();
        services.AddHostedService<SearchIndexStartup>();
        services.AddSingleton<IHostVerb, SearchVerb>();
        services.AddSingleton<INavigationProvider, SearchNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapSearchApi();
}

internal sealed class SearchNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Rechercher", "/recherche", Menus.Main, Order: 20),
        new("Synonymes de recherche", "/plateforme/recherche/synonymes", Menus.Admin, Order: 40, Roles: [Roles.PlatformAdmin], PlatformOnly: true),
    ];
}
