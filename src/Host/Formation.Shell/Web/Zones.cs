using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Shell.Web;

/// <summary>
/// Named places in one module's pages where other modules show something, without either knowing the other:
/// the page writes <c>&lt;zone name="…" context="…" /&gt;</c>, a module registers a view component for that zone
/// (<see cref="ZoneExtensions.AddZoneItem"/>), shown only when the module's feature is on for the portal.
/// </summary>
public static class Zones
{
    /// <summary>Replaces the portal's default home page when something fills it (context: none).</summary>
    public const string PortalHome = "portal.home";
    /// <summary>Below a training module's page (context: <see cref="ModulePageContext"/>).</summary>
    public const string ModulePageAfter = "catalog.module.after";
}

/// <summary>What a module page tells the zone below it: enough to find related things without reading the catalogue.</summary>
public sealed record ModulePageContext(Guid ModuleId, string Title, IReadOnlyList<string> Themes, IReadOnlyList<string> Professions);

/// <param name="ViewComponent">Name of a view component whose InvokeAsync takes one parameter: the zone's context (or null).</param>
/// <param name="FeatureId">The feature that must be on for the portal.</param>
public sealed record ZoneItem(string Zone, string ViewComponent, string FeatureId, int Order = 100);

public static class ZoneExtensions
{
    public static IServiceCollection AddZoneItem(this IServiceCollection services, string zone, string viewComponent, string featureId, int order = 100) =>
        services.AddSingleton(new ZoneItem(zone, viewComponent, featureId, order));
}

public sealed class ZoneService(IEnumerable<ZoneItem> items, FeatureService features)
{
    public IReadOnlyList<ZoneItem> For(string zone, TenantInfo tenant) =>
        items.Where(i => i.Zone == zone && features.IsEnabled(tenant, i.FeatureId)).OrderBy(i => i.Order).ToList();

    public bool Any(string zone, TenantInfo tenant) => For(zone, tenant).Count > 0;
}

[HtmlTargetElement("zone", Attributes = "name", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ZoneTagHelper(ZoneService zones, TenantContext tenant, IViewComponentHelper components) : TagHelper
{
    public string Name { get; set; } = "";
    public object? Context { get; set; }

    [ViewContext, HtmlAttributeNotBound] public required ViewContext ViewContext { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        var items = zones.For(Name, tenant.Required);
        if (items.Count == 0) { output.SuppressOutput(); return; }
        ((IViewContextAware)components).Contextualize(ViewContext);
        foreach (var item in items)
            // The context is handed over as is: a view component's single parameter receives it whole.
            output.Content.AppendHtml(await components.InvokeAsync(item.ViewComponent, Context));
    }
}
