using Formation.Catalog.Contracts;

namespace Formation.Catalog.Pages;

/// <param name="Embedded">Shown inside another page (a review screen): its headings start one level lower.</param>
public sealed record ModuleViewModel(PublishedModule Module, bool Embedded = false);
