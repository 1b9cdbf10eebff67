using Formation.Lrs.Contracts;
using Formation.Lrs.Data;
using Formation.Lrs.Xapi;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Lrs;

public sealed class LrsModule : FormationModule
{
    public const string Feature = "Lrs";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Entrepôt xAPI (LRS)",
        Description = "Learning Record Store xAPI 1.0.3 et 2.0 à l'adresse /xapi : déclarations, documents d'état et de profil, identifiants par portail.",
        Category = "Apprentissage",
        Dependencies = ["Formation.Tenants"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<LrsDbContext>();
        services.AddSingleton<LrsCredentialCache>();
        services.AddScoped<LrsCredentials>();
        services.AddScoped<StatementStore>();
        services.AddScoped<DocumentStore>();
        services.AddScoped<XapiEndpoint>();
        services.AddSingleton<IngestQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestQueue>());
        services.AddScoped<ILrsStatementWriter, LrsStatementWriter>();
        services.AddScoped<ILrsStatementReader, LrsStatementReader>();
        services.AddScoped<ILrsDocuments, LrsDocuments>();
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, Xapi.XapiCorsStartupFilter>();
        services.AddScoped<LrsSessionTokens>();
        services.AddScoped<ILrsSessionTokens>(sp => sp.GetRequiredService<LrsSessionTokens>());
        services.AddScoped<Formation.Shell.Recipes.IRecipeStep, Recipes.LrsClientsStep>();
        services.AddSingleton<INavigationProvider, LrsNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        static Task Handle(HttpContext http) => http.RequestServices.GetRequiredService<XapiEndpoint>().HandleAsync(http);
        endpoints.Map("/xapi", Handle).DisableAntiforgery();
        endpoints.Map("/xapi/{**resource}", Handle).DisableAntiforgery();
    }
}

internal sealed class LrsNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Identifiants xAPI (LRS)", "/admin/lrs", Menus.Admin, Order: 70, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
    ];
}
