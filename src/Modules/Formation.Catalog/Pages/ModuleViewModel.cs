using Formation.Catalog.Contracts;

namespace Formation.Catalog.Pages;

/// <param name="Action">What another module offers here (enrol, resume), replacing the placeholder buttons.</param>
public sealed record ModuleViewModel(PublishedModule Module, ModulePageAction? Action = null);
