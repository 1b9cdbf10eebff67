namespace Formation.Content.Contracts;

/// <summary>A published item as pages, feeds, the sitemap and other modules see it (body already rendered and sanitised).</summary>
public sealed record PublishedContent
{
    public required Guid Id { get; init; }
    public required string OwnerTenantId { get; init; }
    public required Data.ContentKind Kind { get; init; }
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string Summary { get; init; }
    public required string BodyHtml { get; init; }
    public required string BodyMarkdown { get; init; }
    public string? CoverUrl { get; init; }
    public string? CoverAlt { get; init; }
    public string? SeoTitle { get; init; }
    public string? SeoDescription { get; init; }
    public required DateTimeOffset PublishUtc { get; init; }
    public DateTimeOffset? UnpublishUtc { get; init; }
    public bool SharedWithAllPortals { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    public IReadOnlyList<string> Professions { get; init; } = [];
    public required Data.ContentFields Fields { get; init; }
    public string? DocumentUrl { get; init; }
    public string? AuthorName { get; init; }
    public required DateTimeOffset UpdatedUtc { get; init; }

    public string Url => ContentKinds.Url(Kind, Slug);

    /// <summary>Whether a reader sees it at <paramref name="now"/>: publication date reached, unpublication date not.</summary>
    public bool IsVisibleAt(DateTimeOffset now) => PublishUtc <= now && (UnpublishUtc is null || UnpublishUtc > now);
}
