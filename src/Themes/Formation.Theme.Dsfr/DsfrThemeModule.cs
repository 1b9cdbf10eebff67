using Formation.Shell.Modules;

namespace Formation.Theme.Dsfr;

public sealed class DsfrThemeModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Theme.Dsfr",
        Name = "Thème DSFR",
        Description = "Thème par défaut, sur le système de design de l'État : en-tête à la marque du portail, navigation, pied de page, liens d'évitement.",
        Category = "Thèmes",
        IsCore = true,
        Theme = new ThemeManifest("dsfr", "DSFR (sobre)", "Le gabarit du système de design de l'État, aux couleurs du portail.", "/Themes/Dsfr/Layout.cshtml"),
    };
}
