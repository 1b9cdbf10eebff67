using Formation.Shell.Events;
using Formation.Shell.Tenancy;

namespace Formation.Search.Contracts;

/// <summary>
/// A training another module shows in the same search as the modules (the national CPF catalogue). Its facet values
/// are given by facet name (<see cref="Indexing.SearchFacets"/>); values a facet does not know are ignored.
/// </summary>
public sealed record SourceDocument
{
    /// <summary>Unique within its source (e.g. the <c>numero_formation</c>).</summary>
    public required string Key { get; init; }
    public required string Title { get; init; }
    public required string Summary { get; init; }
    /// <summary>Every other word to search in (organisation, certification, objectives…), plain text.</summary>
    public string Text { get; init; } = "";
    /// <summary>Its page on the portal, from the portal's root (e.g. <c>/catalogue-national/…</c>).</summary>
    public required string Url { get; init; }
    /// <summary>Where it is bought or joined outside the platform (Mon Compte Formation), if anywhere.</summary>
    public string? ExternalUrl { get; init; }
    public long? PriceCents { get; init; }
    public decimal? DurationHours { get; init; }
    public DateTimeOffset UpdatedUtc { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Facets { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// A module's documents in the search, registered as a scoped service. The search indexes them all (at start when the
/// index is new, on <c>search rebuild</c>, and on <see cref="SearchSourceChanged"/>), and shows them on the portals
/// <see cref="IsShownOn"/> accepts, with the "source" facet value <see cref="Name"/>.
/// </summary>
public interface ISearchSource
{
    /// <summary>The "source" facet value of its documents (see <see cref="Indexing.SearchFacets.Source"/>), e.g. "cpf".</summary>
    string Name { get; }

    bool IsShownOn(TenantInfo portal);

    IAsyncEnumerable<SourceDocument> StreamAsync(CancellationToken ct);
}

/// <summary>The documents of a source changed: the search re-reads all of them (replacing the previous ones at once).</summary>
public sealed record SearchSourceChanged(string Source) : IDomainEvent;
