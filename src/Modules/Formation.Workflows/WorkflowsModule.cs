using Formation.Shell.Data;
using Formation.Shell.Hosting;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Formation.Workflows.Data;
using Formation.Workflows.Definitions;
using Formation.Workflows.Recipes;
using Formation.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Formation.Workflows;

/// <summary>
/// The workflow engine other modules build their processes on (the quality review of modules first): versioned JSON
/// definitions, instances governing one item each, human tasks, timers, an append-only audit trail. On for every
/// portal; its pages are the platform operators'.
/// </summary>
public sealed class WorkflowsModule : FormationModule
{
    public const string Feature = "Formation.Workflows";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Workflows",
        Description = "Moteur de workflows : définitions versionnées, états et transitions avec gardes et rôles, tâches humaines, relances et escalades, journal d'audit.",
        Category = "Socle",
        Dependencies = ["Formation.Tenants"],
        IsCore = true,
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<WorkflowsDbContext>();
        services.AddSingleton<DefinitionCache>();
        services.AddScoped<WorkflowDefinitionStore>();
        services.AddScoped<IWorkflowDefinitions>(sp => sp.GetRequiredService<WorkflowDefinitionStore>());
        services.AddScoped<WorkflowEngine>();
        services.AddScoped<IWorkflowEngine>(sp => sp.GetRequiredService<WorkflowEngine>());
        services.AddSingleton<WorkflowTimerScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowTimerScheduler>());
        services.AddScoped<IRecipeStep, WorkflowsStep>();
        services.AddSingleton<INavigationProvider, WorkflowsNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // Mermaid renders the diagrams of the platform's workflow pages; served from the npm package like the DSFR.
        endpoints.MapGet(MermaidAssets.Route, (IHostEnvironment environment, HttpContext http) =>
        {
            var path = MermaidAssets.Locate(environment);
            if (path is null) return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=604800";
            return Results.File(path, "text/javascript; charset=utf-8");
        }).ExcludeFromDescription();
    }
}

internal sealed class WorkflowsNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Workflows", "/plateforme/workflows", Menus.Admin, Order: 60, Roles: [Roles.PlatformAdmin], PlatformOnly: true),
    ];
}

/// <summary>Finds <c>mermaid.min.js</c>: <c>vendor/mermaid</c> beside published binaries, else <c>node_modules/mermaid/dist</c> above them.</summary>
public static class MermaidAssets
{
    public const string Route = "/workflows/mermaid.min.js";

    public static string? Locate(IHostEnvironment environment)
    {
        foreach (var start in new[] { environment.ContentRootPath, AppContext.BaseDirectory })
        {
            var published = Path.Combine(start, "vendor", "mermaid", "mermaid.min.js");
            if (File.Exists(published)) return published;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var dist = Path.Combine(dir.FullName, "node_modules", "mermaid", "dist", "mermaid.min.js");
                if (File.Exists(dist)) return dist;
            }
        }
        return null;
    }
}
