using Formation.Catalog.Contracts;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Organismes;

/// <summary>An institute and the modules of it that this portal shows.</summary>
public sealed class OrganismeModel(CatalogReader reader, OrganisationDirectory organisations) : PageModel
{
    public string Name { get; private set; } = "";
    public Organisation? Institute { get; private set; }
    public List<PublishedModule> Modules { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Modules = (await reader.ListVisibleAsync(id, ct)).OrderBy(m => m.Title).ToList();
        // The institute may belong to another portal (the shared catalogue's publishers live on the platform).
        Institute = await organisations.FindAsync(id, ct);
        if (Modules.Count == 0 && Institute is null) return NotFound();
        Name = Institute?.Name ?? Modules[0].PublisherName;
        return Page();
    }
}
