using System.Runtime.CompilerServices;
using Formation.Content.Data;
using Formation.Shell.Search;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

/// <summary>
/// Published items as the search indexes them, origin "ressources". Scheduled items are handed over with their window:
/// the search shows them from their publication time without being told again.
/// </summary>
internal sealed class ContentSearchSource(ContentDbContext db) : ISearchableSource
{
    public const string SourceName = "ressources";

    public string Source => SourceName;

    public async IAsyncEnumerable<SearchableDocument> StreamAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var items = db.Items.IgnoreQueryFilters().AsNoTracking().Where(i => i.Status == ContentStatus.Published).AsAsyncEnumerable();
        await foreach (var item in items.WithCancellation(ct)) yield return ToDocument(item);
    }

    public async Task<SearchableDocument?> GetAsync(string key, CancellationToken ct = default)
    {
        if (!Guid.TryParse(key, out var id)) return null;
        var item = await db.Items.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        return item is { Status: ContentStatus.Published } ? ToDocument(item) : null;
    }

    private static SearchableDocument ToDocument(ContentItem item) => new()
    {
        Key = item.Id.ToString("D"), FeatureId = ContentModule.FeatureId, Source = SourceName, OwnerTenantId = item.TenantId,
        SharedWithAllPortals = item.SharedWithAllPortals && item.TenantId == TenantInfo.PlatformId,
        Title = item.Title, Summary = item.Summary,
        Body = string.Join("\n", new[] { PlainText(item.BodyMarkdown), item.Fields.Context, item.Fields.WhatWasDone, item.Fields.Results, item.Fields.Source, item.Fields.Territory }.Where(t => !string.IsNullOrWhiteSpace(t))),
        Themes = item.Themes, Professions = item.Professions, Url = ContentKinds.Url(item.Kind, item.Slug),
        VisibleFrom = item.PublishUtc ?? item.UpdatedUtc, VisibleUntil = item.UnpublishUtc,
    };

    /// <summary>The words of the Markdown, as the page renders them.</summary>
    private static string PlainText(string markdown)
    {
        var html = Formation.Shell.Text.SafeMarkdown.RenderRich(markdown);
        return System.Text.RegularExpressions.Regex.Replace(System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " ")), @"\s+", " ").Trim();
    }
}
