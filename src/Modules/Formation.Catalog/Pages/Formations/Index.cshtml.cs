using Formation.Catalog.Contracts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Formations;

/// <summary>The catalogue home: newest modules, then the portal's offer by theme and by profession.</summary>
public sealed class CatalogueModel(CatalogReader reader) : PageModel
{
    public List<PublishedModule> Modules { get; private set; } = [];
    public List<PublishedModule> Featured { get; private set; } = [];
    public List<(string Key, string Label, int Count)> Themes { get; private set; } = [];
    public List<(string Key, string Label, int Count)> Professions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Modules = await reader.ListVisibleAsync(ct);
        Featured = Modules.OrderByDescending(m => m.PublishedUtc).Take(6).ToList();
        Themes = Taxonomy.Themes.Select(t => (t.Key, t.Value, Modules.Count(m => m.Themes.Contains(t.Key)))).Where(t => t.Item3 > 0).ToList();
        Professions = Taxonomy.Professions.Select(p => (p.Key, p.Value, Modules.Count(m => m.Professions.Contains(p.Key)))).Where(p => p.Item3 > 0).ToList();
    }
}
