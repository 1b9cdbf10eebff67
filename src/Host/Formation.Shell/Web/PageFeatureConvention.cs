using System.Reflection;
using Formation.Shell.Modules;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Formation.Shell.Web;

/// <summary>Tags every Razor page of a module with the module's main feature (or the page's [Feature]).</summary>
public sealed class PageFeatureConvention(ModuleCatalog catalog) : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        var explicitFeature = model.HandlerType.GetCustomAttribute<FeatureAttribute>()?.FeatureId;
        var module = catalog.ModuleOf(model.HandlerType.Assembly) ?? catalog.ModuleOf(model.PageType.Assembly);
        var feature = explicitFeature ?? module?.Manifest.EffectiveFeatures[0].Id;
        if (feature is not null) model.EndpointMetadata.Add(new FeatureMetadata(feature));
    }
}
