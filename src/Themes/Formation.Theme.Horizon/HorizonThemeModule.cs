using Formation.Shell.Modules;

namespace Formation.Theme.Horizon;

public sealed class HorizonThemeModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Theme.Horizon",
        Name = "Thème Horizon",
        Description = "Thème marque blanche affirmé : bandeau plein à la couleur du portail, navigation en onglets, cartes arrondies. Garde les composants DSFR.",
        Category = "Thèmes",
        Dependencies = ["Formation.Theme.Dsfr"],
        IsCore = true,
        Theme = new ThemeManifest("horizon", "Horizon (affirmé)", "Un bandeau plein aux couleurs du portail, une navigation en onglets et des cartes arrondies.", "/Themes/Horizon/Layout.cshtml"),
    };
}
