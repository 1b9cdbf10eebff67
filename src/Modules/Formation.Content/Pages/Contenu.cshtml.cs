using Formation.Content.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages;

public sealed class ContenuModel(ContentReader reader) : PageModel
{
    public PublishedContent Item { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string section, string slug, CancellationToken ct)
    {
        if (ContentKinds.FromSection(section) is not { } kind) return NotFound();
        var item = await reader.FindAsync(kind, slug, ct);
        if (item is null) return NotFound();
        Item = item;
        return Page();
    }
}
