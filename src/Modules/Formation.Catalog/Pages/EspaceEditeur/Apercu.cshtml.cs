using Formation.Catalog.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.EspaceEditeur;

/// <summary>The draft (or, without one, the published version) rendered with the learner's module view.</summary>
[Authorize(Policy = CatalogModule.PublisherPolicy)]
public sealed class ApercuModel(CatalogAuthoring authoring, PublisherContext publisher) : PageModel
{
    public PublishedModule Module { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null) return Forbid();
        if (await authoring.FindOwnAsync(id, institute.Id, ct) is not { } module) return NotFound();
        var version = module.Draft ?? module.Published ?? module.Versions.MaxBy(v => v.Number)!;
        Module = CatalogReader.ToPublished(module, version);
        return Page();
    }
}
