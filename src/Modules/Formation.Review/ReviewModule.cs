using Formation.Catalog.Contracts;
using Formation.Review.Data;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Review;

/// <summary>
/// The expert review of every module version before publication, built on the Workflows engine ("module-review"):
/// automatic checks, two independent experts scoring a criteria grid, a lead reviewer for disagreements, publication on approval.
/// </summary>
public sealed class ReviewModule : FormationModule
{
    public const string Feature = "Formation.Review";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Relecture experte",
        Description = "Relecture de chaque module avant publication par deux expert·es indépendant·es : grille de critères, arbitrage, relances et escalades, tableau de bord.",
        Category = "Catalogue",
        Dependencies = ["Formation.Catalog", "Formation.Workflows"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ReviewDbContext>();
        services.AddScoped<ReviewSettingsStore>();
        services.AddScoped<ReviewerDirectory>();
        services.AddScoped<ReviewNotifier>();
        services.AddScoped<ReviewService>();
        services.AddScoped<IWorkflowGuard, AutomaticChecksGuard>();
        services.AddScoped<IWorkflowGuard, AgreementGuard>();
        services.AddScoped<IWorkflowGuard, DisagreementGuard>();
        services.AddScoped<ReviewEventHandlers>();
        services.AddScoped<IDomainEventHandler<ModuleSubmitted>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IDomainEventHandler<WorkflowStateChanged>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IDomainEventHandler<WorkflowTaskCreated>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IDomainEventHandler<WorkflowTaskReminderDue>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IDomainEventHandler<WorkflowTaskEscalated>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IDomainEventHandler<ModuleUnpublished>>(sp => sp.GetRequiredService<ReviewEventHandlers>());
        services.AddScoped<IModuleEditLock, ReviewEditLock>();
        services.AddScoped<Formation.Shell.Recipes.IRecipeStep, Recipes.ReviewersStep>();
        services.AddSingleton<INavigationProvider, ReviewNavigation>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) { }
}

internal sealed class ReviewNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Relecture", "/relecture", Menus.Main, Order: 55, FeatureId: ReviewModule.Feature, Roles: [Roles.Reviewer]),
        new("Relecture des modules", "/admin/relecture", Menus.Admin, Order: 42, FeatureId: ReviewModule.Feature, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Relecteur·rices", "/admin/relecteurs", Menus.Admin, Order: 43, FeatureId: ReviewModule.Feature, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Notifications", "/notifications", Menus.Account, Order: 20, FeatureId: ReviewModule.Feature, AuthenticatedOnly: true),
    ];
}
