using Formation.Content.Data;
using Formation.Shell.Caching;
using Formation.Shell.Navigation;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

public sealed record MenuEntryInput(Guid? Id, string? Text, string? Url, Guid? ParentId, int Order, bool Delete);

/// <summary>The portal's own menu (ordered, one level of nesting), shown in the theme's header after the modules' entries.</summary>
public sealed class ContentMenus(ContentDbContext db, TenantContext tenant, MenuCache cache)
{
    /// <summary>Menu entries come after those of the modules (Formations = 10 … 60).</summary>
    public const int FirstOrder = 200;

    public async Task<IReadOnlyList<ContentMenuItem>> ListAsync(CancellationToken ct = default) =>
        await db.MenuItems.AsNoTracking().OrderBy(m => m.Order).ThenBy(m => m.Text).ToListAsync(ct);

    public async Task SaveAsync(IReadOnlyList<MenuEntryInput> entries, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var existing = await db.MenuItems.ToDictionaryAsync(m => m.Id, ct);
        var kept = entries.Where(e => !e.Delete && !(e.Id is null && string.IsNullOrWhiteSpace(e.Text) && string.IsNullOrWhiteSpace(e.Url))).ToList();
        for (var i = 0; i < kept.Count; i++)
        {
            var e = kept[i];
            if (string.IsNullOrWhiteSpace(e.Text) || e.Text.Trim().Length > 80) errors.Add($"Entries[{i}].Text", $"Entrée {i + 1} : l'intitulé est obligatoire (80 caractères au plus).");
            if (!IsValidUrl(e.Url)) errors.Add($"Entries[{i}].Url", $"Entrée {i + 1} : l'adresse commence par / (une page du portail) ou https://.");
            if (e.ParentId is { } parent)
            {
                var parentEntry = kept.FirstOrDefault(p => p.Id == parent);
                if (parentEntry is null) errors.Add($"Entries[{i}].ParentId", $"Entrée {i + 1} : l'entrée parente n'existe pas.");
                else if (parentEntry.ParentId is not null || parent == e.Id) errors.Add($"Entries[{i}].ParentId", $"Entrée {i + 1} : un menu n'a qu'un niveau de sous-entrées.");
                else if (kept.Any(c => c.ParentId == e.Id && e.Id is not null)) errors.Add($"Entries[{i}].ParentId", $"Entrée {i + 1} : une entrée qui a des sous-entrées reste au premier niveau.");
            }
        }
        errors.ThrowIfAny();
        foreach (var e in entries.Where(e => e.Delete && e.Id is not null))
            if (existing.TryGetValue(e.Id!.Value, out var gone)) db.MenuItems.Remove(gone);
        foreach (var e in kept)
        {
            var item = e.Id is { } id && existing.TryGetValue(id, out var found) ? found : null;
            if (item is null) db.MenuItems.Add(item = new ContentMenuItem { Id = e.Id ?? Guid.NewGuid(), Text = "", Url = "" });
            item.Text = e.Text!.Trim();
            item.Url = e.Url!.Trim();
            item.ParentId = e.ParentId;
            item.Order = e.Order;
        }
        await db.SaveChangesAsync(ct);
        cache.Invalidate(tenant.Required.Id);
    }

    public static bool IsValidUrl(string? url) =>
        url is { Length: > 0 and <= 400 } && ((url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)) ||
        (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "https"));
}

/// <summary>Each portal's main menu, kept in memory (see <see cref="PortalCache{T}"/>).</summary>
public sealed class MenuCache(TimeProvider time) : PortalCache<IReadOnlyList<MenuItem>>(time);

/// <summary>Puts the portal's menu into the theme's main navigation.</summary>
internal sealed class ContentMenuSource(ContentDbContext db, MenuCache cache) : IMenuSource
{
    public async Task<IReadOnlyList<MenuItem>> GetItemsAsync(string menu, TenantInfo tenant, CancellationToken ct)
    {
        if (menu != Menus.Main) return [];
        return await cache.GetOrLoadAsync(tenant.Id, async c =>
        {
            var rows = await db.MenuItems.IgnoreQueryFilters().AsNoTracking().Where(m => m.TenantId == tenant.Id).OrderBy(m => m.Order).ThenBy(m => m.Text).ToListAsync(c);
            return (IReadOnlyList<MenuItem>)rows.Where(r => r.ParentId is null)
                .Select((r, i) => new MenuItem(r.Text, r.Url, Menus.Main, ContentMenus.FirstOrder + i,
                    Children: rows.Where(x => x.ParentId == r.Id).Select(x => new MenuItem(x.Text, x.Url, Menus.Main, x.Order)).ToList()))
                .ToList();
        }, ct);
    }
}
