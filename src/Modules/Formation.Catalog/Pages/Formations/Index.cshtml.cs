using Formation.Catalog.Contracts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.Formations;

/// <summary>The catalogue home: newest modules, then the portal's offer by theme and by profession.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Formation.Shell.Web.AnonymousPageCache.PolicyName)]
public sealed class CatalogueModel(ICatalogOverview overview) : PageModel
{
    public int Total { get; private set; }
    public IReadOnlyList<PublishedModule> Featured { get; private set; } = [];
    public List<(string Key, string Label, int Count)> Themes { get; private set; } = [];
    public List<(string Key, string Label, int Count)> Professions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var figures = await overview.GetAsync(newest: 6, ct);
        Total = figures.Total;
        Featured = figures.Newest;
        Themes = Taxonomy.Themes.Select(t => (t.Key, t.Value, figures.ByTheme.GetValueOrDefault(t.Key))).Where(t => t.Item3 > 0).ToList();
        Professions = Taxonomy.Professions.Select(p => (p.Key, p.Value, figures.ByProfession.GetValueOrDefault(p.Key))).Where(p => p.Item3 > 0).ToList();
    }
}
