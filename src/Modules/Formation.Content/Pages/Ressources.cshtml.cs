using Formation.Catalog.Contracts;
using Formation.Content.Contracts;
using Formation.Content.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages;

public sealed class RessourcesModel(ContentReader reader) : PageModel
{
    [FromQuery(Name = "theme")] public string? Theme { get; set; }
    [FromQuery(Name = "type")] public string? Type { get; set; }
    public IReadOnlyList<PublishedContent> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Theme is not null && !Taxonomy.Themes.ContainsKey(Theme)) Theme = null;
        ContentKind[] kinds = Type switch
        {
            "ressources" => [ContentKind.Resource],
            "bonnes-pratiques" => [ContentKind.GoodPractice],
            _ => [ContentKind.Resource, ContentKind.GoodPractice],
        };
        Items = await reader.VisibleAsync(kinds, Theme, ct);
    }
}
