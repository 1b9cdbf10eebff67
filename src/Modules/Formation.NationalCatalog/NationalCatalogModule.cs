using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.Import;
using Formation.NationalCatalog.Lheo;
using Formation.NationalCatalog.TopUp;
using Formation.Shell.Data;
using Formation.Shell.Hosting;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.NationalCatalog;

public sealed class NationalCatalogModule : FormationModule
{
    public const string Feature = "NationalCatalog";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Catalogue national (CPF)",
        Description = "Les formations certifiantes de l'offre nationale (Mon Compte Formation) utiles à la protection de l'enfance : synchronisation quotidienne, recherche, liens Mon Compte Formation, import et export LHEO, aide à l'abondement CPF des employeurs.",
        Category = "Catalogue",
        Dependencies = ["Formation.Catalog", "Formation.Identity", "Formation.Search"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<NationalCatalogDbContext>();
        services.AddSingleton<SyncProgress>();
        services.AddSingleton<SyncLock>();
        services.AddSingleton<McfLinks>();
        services.AddScoped<NationalCatalogueEvents>();
        services.AddScoped<RelevanceRuleStore>();
        services.AddScoped<CatalogueSync>();
        services.AddScoped<CatalogueDownloadSync>();
        services.AddScoped<NationalCatalogue>();
        services.AddScoped<LheoExport>();
        services.AddScoped<LheoImport>();
        services.AddScoped<TopUpIntentions>();
        services.AddScoped<Formation.Shell.Search.ISearchableSource, NationalSearchSource>();
        services.AddSingleton(new Formation.Shell.Search.SearchableSourceFeature(Formation.Search.Indexing.SearchFacets.NationalSource, Feature));
        services.AddHttpClient(CatalogueDownloadSync.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan; // the download has its own overall timeout
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Formation/1.0 (catalogue national)");
        });
        services.AddHostedService<CatalogueSyncScheduler>();
        services.AddSingleton<IHostVerb, CatalogueSyncVerb>();
        services.AddScoped<Formation.Shell.Recipes.IRecipeStep, Recipes.NationalCatalogueStep>();
        services.AddSingleton<INavigationProvider, NationalCatalogNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapNationalCatalogApi();
}

internal sealed class NationalCatalogNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Catalogue national (CPF)", "/plateforme/catalogue-national", Menus.Admin, Order: 45, Roles: [Roles.PlatformAdmin], PlatformOnly: true),
        new("Abondements CPF", "/employeur/abondements-cpf", Menus.Main, Order: 65, Roles: [Roles.EmployerManager]),
    ];
}
