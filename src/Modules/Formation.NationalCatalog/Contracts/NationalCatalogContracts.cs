using Formation.Shell.Events;

namespace Formation.NationalCatalog.Contracts;

/// <summary>The national catalogue changed (a sync, an LHEO import, new relevance rules): what portals show may differ.</summary>
public sealed record NationalCatalogueChanged(DateTimeOffset ChangedUtc) : IDomainEvent;
