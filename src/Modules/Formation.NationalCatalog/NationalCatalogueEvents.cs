using Formation.NationalCatalog.Contracts;
using Formation.Shell.Events;

namespace Formation.NationalCatalog;

/// <summary>Raises the catalogue's events in the current transaction (the outbox delivers them once it commits).</summary>
public sealed class NationalCatalogueEvents(DomainEvents events, TimeProvider time)
{
    public Task CatalogueChangedAsync(CancellationToken ct) => events.RaiseAsync(new NationalCatalogueChanged(time.GetUtcNow()), ct);
}
