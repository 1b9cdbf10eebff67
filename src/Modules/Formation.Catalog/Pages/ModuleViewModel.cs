using Formation.Catalog.Contracts;

namespace Formation.Catalog.Pages;

public sealed record ModuleViewModel(PublishedModule Module);
