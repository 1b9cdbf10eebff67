using Formation.Content.Home;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Mvc;

namespace Formation.Content.Components;

/// <summary>The portal's home page, in blocks (zone <see cref="Zones.PortalHome"/>).</summary>
[ViewComponent(Name = "ContentHome")]
public sealed class ContentHomeViewComponent(HomeBlocks home) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(object? context) =>
        View("~/Pages/_HomeBlocks.cshtml", await home.RenderAsync(HttpContext.Request.PathBase.Value ?? "", HttpContext.RequestAborted));
}

/// <summary>Resources and good practices on a module's themes, below its page (zone <see cref="Zones.ModulePageAfter"/>).</summary>
[ViewComponent(Name = "RelatedResources")]
public sealed class RelatedResourcesViewComponent(ContentReader reader) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(object? context)
    {
        if (context is not ModulePageContext module) return Content("");
        var related = await reader.RelatedAsync(module.Themes, 3, HttpContext.RequestAborted);
        return related.Count == 0 ? Content("") : View("~/Pages/_RelatedResources.cshtml", related);
    }
}
