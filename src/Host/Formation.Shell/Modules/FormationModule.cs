using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Shell.Modules;

/// <summary>
/// The startup of a module: one subclass per module project. The host discovers subclasses in the
/// referenced Formation.* assemblies, orders them by their manifest's dependencies and calls them in that order.
/// </summary>
public abstract class FormationModule
{
    public abstract ModuleManifest Manifest { get; }

    /// <summary>Registers the module's services (DbContext, recipe steps, navigation, ...).</summary>
    public virtual void ConfigureServices(IServiceCollection services, IConfiguration configuration) { }

    /// <summary>Maps the module's minimal-API endpoints. The group already carries the module's main feature.</summary>
    public virtual void MapEndpoints(IEndpointRouteBuilder endpoints) { }
}
