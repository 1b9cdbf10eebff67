using Formation.Content.Contracts;
using Formation.Content.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages;

public sealed class ActualitesModel(ContentReader reader) : PageModel
{
    public IReadOnlyList<PublishedContent> Items { get; private set; } = [];
    public async Task OnGetAsync(CancellationToken ct) => Items = await reader.VisibleAsync([ContentKind.News], null, ct);
}
