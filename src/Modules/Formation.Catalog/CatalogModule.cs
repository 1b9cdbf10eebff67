using Formation.Shell.Modules;

namespace Formation.Catalog;

/// <summary>
/// PLACEHOLDER on branch <c>search</c> only: declares the Catalog module so that modules depending on it (Search)
/// resolve before the Catalog implementation is merged. The real CatalogModule replaces this file.
/// </summary>
public sealed class CatalogModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Catalog",
        Name = "Catalogue",
        Description = "Modules de formation, versions, prix, sessions, pages des modules.",
        Category = "Catalogue",
        Dependencies = ["Formation.Identity"],
        IsCore = true,
    };
}
