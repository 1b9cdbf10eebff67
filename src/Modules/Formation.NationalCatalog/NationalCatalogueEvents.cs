using Formation.NationalCatalog.Contracts;
using Formation.Shell.Events;

namespace Formation.NationalCatalog;

/// <summary>Raises the catalogue's events in the current transaction (the outbox delivers them once it commits).</summary>
public sealed class NationalCatalogueEvents(DomainEvents events, TimeProvider time)
{
    public async Task CatalogueChangedAsync(CancellationToken ct)
    {
        await events.RaiseAsync(new NationalCatalogueChanged(time.GetUtcNow()), ct);
        // The search re-reads the shown trainings (see NationalSearchSource).
        await events.RaiseAsync(new Formation.Shell.Search.SearchableSourceReplaced(Formation.Search.Indexing.SearchFacets.NationalSource), ct);
    }
}
