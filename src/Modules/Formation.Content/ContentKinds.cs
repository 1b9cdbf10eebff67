using Formation.Content.Data;

namespace Formation.Content;

/// <summary>Names and public addresses of each kind of content.</summary>
public static class ContentKinds
{
    public static string Label(ContentKind kind) => kind switch
    {
        ContentKind.Page => "Page",
        ContentKind.News => "Actualité",
        ContentKind.Resource => "Ressource",
        ContentKind.GoodPractice => "Bonne pratique",
        _ => kind.ToString(),
    };

    public static string PluralLabel(ContentKind kind) => kind switch
    {
        ContentKind.Page => "Pages",
        ContentKind.News => "Actualités",
        ContentKind.Resource => "Ressources",
        ContentKind.GoodPractice => "Bonnes pratiques",
        _ => kind.ToString(),
    };

    /// <summary>The first segment of the public address of an item of this kind.</summary>
    public static string Section(ContentKind kind) => kind switch
    {
        ContentKind.Page => "pages",
        ContentKind.News => "actualites",
        ContentKind.Resource => "ressources",
        ContentKind.GoodPractice => "bonnes-pratiques",
        _ => "contenus",
    };

    public static ContentKind? FromSection(string section) => section switch
    {
        "pages" => ContentKind.Page,
        "actualites" => ContentKind.News,
        "ressources" => ContentKind.Resource,
        "bonnes-pratiques" => ContentKind.GoodPractice,
        _ => null,
    };

    public static string Url(ContentKind kind, string slug) => $"/{Section(kind)}/{slug}";

    public static string StatusLabel(ContentStatus status) => status switch
    {
        ContentStatus.Draft => "Brouillon",
        ContentStatus.Published => "Publié",
        ContentStatus.Submitted => "Proposée, à modérer",
        ContentStatus.ChangesRequested => "Modifications demandées",
        ContentStatus.Rejected => "Refusée",
        _ => status.ToString(),
    };

    public static string FormatLabel(ResourceFormat format) => format switch
    {
        ResourceFormat.Guide => "Guide",
        ResourceFormat.Toolkit => "Boîte à outils",
        ResourceFormat.Video => "Vidéo",
        ResourceFormat.Document => "Document",
        _ => format.ToString(),
    };

    public static string BlockLabel(HomeBlockKind kind) => kind switch
    {
        HomeBlockKind.Hero => "Bandeau d'accueil",
        HomeBlockKind.FeaturedModules => "Formations à la une",
        HomeBlockKind.LatestNews => "Dernières actualités",
        HomeBlockKind.ResourcesByTheme => "Ressources d'une thématique",
        HomeBlockKind.CallToAction => "Appel à l'action",
        _ => kind.ToString(),
    };
}
