using Formation.Insights.Data;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Insights;

public sealed class InsightsModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Insights",
        Name = "Veille des besoins",
        Description = "Les besoins de formation exprimés par les employeurs et les professionnels, avec les recherches restées sans résultat ; export CSV pour l'observatoire.",
        Category = "Pilotage",
        Dependencies = ["Formation.Search", Formation.Learning.LearningModule.Feature],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<InsightsDbContext>();
        services.AddScoped<NeedsWatch>();
        services.AddScoped<ModuleRatings>();
        services.AddScoped<IModuleRatingEligibility, EnrolledLearnersMayRate>();
        services.AddScoped<Formation.Shell.Recipes.IRecipeStep, Recipes.NeedsStep>();
        services.AddSingleton<INavigationProvider, InsightsNavigation>();
    }
}

internal sealed class InsightsNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Exprimer un besoin", "/besoins-de-formation", Menus.Main, Order: 60, Roles: [Roles.Learner, Roles.EmployerManager]),
        new("Veille des besoins", "/admin/besoins", Menus.Admin, Order: 50, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
    ];
}
