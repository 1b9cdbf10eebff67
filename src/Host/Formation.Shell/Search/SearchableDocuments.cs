using Formation.Shell.Events;

namespace Formation.Shell.Search;

/// <summary>
/// Something other than a training module that the portal's search finds beside modules (a resource, a news article, a
/// training of the national catalogue…), as a module hands it to the search: texts, taxonomy, address, who sees it and
/// when. The search module indexes it without knowing the module that owns it.
/// </summary>
public sealed record SearchableDocument
{
    /// <summary>Unique within its source (an id, a <c>numero_formation</c>…); the search names it "{Source}:{Key}".</summary>
    public required string Key { get; init; }
    /// <summary>The feature that must be on for a portal to find it (e.g. "Formation.Content").</summary>
    public required string FeatureId { get; init; }
    /// <summary>The facet value of its origin, e.g. "ressources".</summary>
    public required string Source { get; init; }
    public required string OwnerTenantId { get; init; }
    /// <summary>A platform document every portal shows.</summary>
    public bool SharedWithAllPortals { get; init; }
    public required string Title { get; init; }
    public required string Summary { get; init; }
    /// <summary>Plain text (no markup).</summary>
    public required string Body { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    public IReadOnlyList<string> Professions { get; init; } = [];
    /// <summary>Its page, relative to the portal's root (e.g. <c>/ressources/guide-ppe</c>).</summary>
    public required string Url { get; init; }
    /// <summary>Found from this time (a scheduled publication is indexed before it shows).</summary>
    public required DateTimeOffset VisibleFrom { get; init; }
    public DateTimeOffset? VisibleUntil { get; init; }
    /// <summary>Its date for the "newest first" order (its <see cref="VisibleFrom"/> when not given).</summary>
    public DateTimeOffset? UpdatedUtc { get; init; }
    /// <summary>Where it is bought or joined outside the platform (e.g. Mon Compte Formation), shown beside its page.</summary>
    public string? ExternalUrl { get; init; }
    /// <summary>For the price order (lowest price of a range); none sorts last.</summary>
    public long? PriceCents { get; init; }
    /// <summary>For the duration order; none sorts last.</summary>
    public decimal? DurationHours { get; init; }
    /// <summary>
    /// Values of the search's other facets, by facet name (e.g. "departement" → ["59", "62"], "distance" → ["oui"]);
    /// values a facet does not know are ignored.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Facets { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// A module whose items the search finds: every current document (index rebuilds, <see cref="SearchableSourceReplaced"/>)
/// and one by key (<see cref="SearchableDocumentChanged"/>).
/// </summary>
public interface ISearchableSource
{
    string Source { get; }
    IAsyncEnumerable<SearchableDocument> StreamAsync(CancellationToken ct = default);
    /// <summary>The document as it should be found now, or null when it must leave the index (draft, deleted, refused).</summary>
    Task<SearchableDocument?> GetAsync(string key, CancellationToken ct = default);
}

/// <summary>A searchable item changed (created, edited, published, unpublished or deleted): the search re-reads it from its source.</summary>
public sealed record SearchableDocumentChanged(string Source, string Key) : IDomainEvent;

/// <summary>
/// Many items of a source changed at once (a catalogue import): the search reads them all again and replaces the
/// previous set in one step, so searches see either the old set or the new one.
/// </summary>
public sealed record SearchableSourceReplaced(string Source) : IDomainEvent;

/// <summary>
/// Registered (as a singleton) beside an <see cref="ISearchableSource"/>: the feature a portal needs to find its
/// documents, known to the search without opening the source.
/// </summary>
public sealed record SearchableSourceFeature(string Source, string FeatureId);
