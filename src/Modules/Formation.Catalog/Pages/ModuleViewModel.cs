using Formation.Catalog.Contracts;

namespace Formation.Catalog.Pages;

/// <param name="Embedded">Shown inside another page (a review screen): its headings start one level lower.</param>
/// <param name="Action">What another module offers here (enrol, resume), replacing the placeholder buttons.</param>
public sealed record ModuleViewModel(PublishedModule Module, bool Embedded = false, ModulePageAction? Action = null);
