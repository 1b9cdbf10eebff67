using Formation.Content.Data;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content.Pages.Admin.Contenus;

[Authorize(Policy = Policies.TenantAdmin)]
public sealed class ContenusModel(ContentDbContext db, TimeProvider time) : PageModel
{
    [FromQuery(Name = "type")] public ContentKind? Kind { get; set; }
    [FromQuery(Name = "etat")] public ContentStatus? Status { get; set; }
    [FromQuery(Name = "q")] public string? Query { get; set; }
    public IReadOnlyList<ContentItem> Items { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        var query = db.Items.AsNoTracking();
        if (Kind is { } kind) query = query.Where(i => i.Kind == kind);
        if (Status is { } status) query = query.Where(i => i.Status == status);
        if (!string.IsNullOrWhiteSpace(Query)) { var q = Query.Trim().ToLower(); query = query.Where(i => i.Title.ToLower().Contains(q) || i.Slug.Contains(q)); }
        Items = (await query.ToListAsync(ct)).OrderByDescending(i => i.UpdatedUtc).Take(500).ToList();
    }

    public string StateOf(ContentItem item) =>
        item.Status == ContentStatus.Published && item.PublishUtc > Now ? $"Programmé pour le {ParisTime.DateTime(item.PublishUtc.Value)}"
        : item.Status == ContentStatus.Published && item.UnpublishUtc <= Now ? "Dépublié (date passée)"
        : ContentKinds.StatusLabel(item.Status);
}
