using Formation.Content.Contracts;
using Formation.Content.Data;
using Formation.Shell.Caching;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

/// <summary>
/// Each portal's published items (its own plus the platform's shared ones, scheduled ones included), kept in memory.
/// Any save on a portal drops that portal's entry (a platform save drops all); entries also expire after 30 s so that
/// several web nodes converge. Whether an item shows is decided at each read with <see cref="TimeProvider"/>, so a
/// scheduled item appears at its time without a job.
/// </summary>
public sealed class ContentCache(TimeProvider time) : PortalCache<IReadOnlyList<PublishedContent>>(time);

/// <summary>The read side: what a portal shows now.</summary>
public sealed class ContentReader(ContentDbContext db, TenantContext tenant, TimeProvider time, ContentCache cache)
{
    public const string MediaRoute = "/medias/";

    private async Task<IReadOnlyList<PublishedContent>> AllPublishedAsync(CancellationToken ct)
    {
        var tenantId = tenant.Required.Id;
        return await cache.GetOrLoadAsync(tenantId, c => LoadAsync(tenantId, c), ct);
    }

    private async Task<IReadOnlyList<PublishedContent>> LoadAsync(string tenantId, CancellationToken ct)
    {
        var items = await db.Items.IgnoreQueryFilters().AsNoTracking()
            .Where(i => i.Status == ContentStatus.Published && (i.TenantId == tenantId || (i.TenantId == TenantInfo.PlatformId && i.SharedWithAllPortals)))
            .ToListAsync(ct);
        var mediaIds = items.SelectMany(i => new[] { i.CoverMediaId, i.Fields.DocumentMediaId }).OfType<Guid>().Distinct().ToList();
        var media = await db.Media.IgnoreQueryFilters().AsNoTracking().Where(m => mediaIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        // The portal's own item wins over a shared one with the same address.
        return items.OrderBy(i => i.TenantId == tenantId ? 0 : 1)
            .DistinctBy(i => (i.Kind, i.Slug))
            .Select(i => ToPublished(i, media))
            .OrderByDescending(i => i.PublishUtc)
            .ToList();
    }

    internal static PublishedContent ToPublished(ContentItem i, IReadOnlyDictionary<Guid, ContentMedia> media)
    {
        var cover = i.CoverMediaId is { } c && media.TryGetValue(c, out var m) ? m : null;
        var document = i.Fields.DocumentMediaId is { } d && media.TryGetValue(d, out var doc) ? doc : null;
        return new PublishedContent
        {
            Id = i.Id, OwnerTenantId = i.TenantId, Kind = i.Kind, Slug = i.Slug, Title = i.Title, Summary = i.Summary,
            BodyMarkdown = i.BodyMarkdown, BodyHtml = Formation.Shell.Text.SafeMarkdown.RenderRich(i.BodyMarkdown),
            CoverUrl = cover is null ? null : MediaUrl(cover), CoverAlt = cover?.AltText,
            SeoTitle = i.SeoTitle, SeoDescription = i.SeoDescription, PublishUtc = i.PublishUtc ?? i.UpdatedUtc, UnpublishUtc = i.UnpublishUtc,
            SharedWithAllPortals = i.SharedWithAllPortals, Themes = i.Themes, Professions = i.Professions, Fields = i.Fields,
            DocumentUrl = document is null ? null : MediaUrl(document), AuthorName = i.AuthorName, UpdatedUtc = i.UpdatedUtc,
        };
    }

    public static string MediaUrl(ContentMedia media) => $"{MediaRoute}{media.Id:N}.{media.Extension}";

    /// <summary>Items visible now, newest first, optionally of some kinds and a theme.</summary>
    public async Task<IReadOnlyList<PublishedContent>> VisibleAsync(ContentKind[]? kinds = null, string? theme = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return (await AllPublishedAsync(ct))
            .Where(i => i.IsVisibleAt(now) && (kinds is null || kinds.Contains(i.Kind)) && (theme is null || i.Themes.Contains(theme)))
            .ToList();
    }

    public async Task<PublishedContent?> FindAsync(ContentKind kind, string slug, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return (await AllPublishedAsync(ct)).FirstOrDefault(i => i.Kind == kind && i.Slug == slug && i.IsVisibleAt(now));
    }

    /// <summary>Resources and good practices sharing a theme with these, for a module page.</summary>
    public async Task<IReadOnlyList<PublishedContent>> RelatedAsync(IReadOnlyList<string> themes, int count, CancellationToken ct = default)
    {
        if (themes.Count == 0) return [];
        return (await VisibleAsync([ContentKind.Resource, ContentKind.GoodPractice], null, ct))
            .Select(i => (Item: i, Shared: i.Themes.Intersect(themes).Count()))
            .Where(x => x.Shared > 0)
            .OrderByDescending(x => x.Shared).ThenByDescending(x => x.Item.PublishUtc)
            .Take(count).Select(x => x.Item).ToList();
    }
}
