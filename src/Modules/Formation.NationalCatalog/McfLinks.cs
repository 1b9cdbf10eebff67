using Microsoft.Extensions.Configuration;

namespace Formation.NationalCatalog;

/// <summary>
/// Links to Mon Compte Formation. The offer route is not documented (it lives after "#" and may change), so its
/// template is configurable (<c>NationalCatalog:McfOfferUrl</c>, with <c>{numero_formation}</c> and
/// <c>{numero_action}</c>); the open data has no action number, so the formation number stands for both. Without a
/// usable template, the link falls back to an MCF search for the training's title.
/// </summary>
public sealed class McfLinks(IConfiguration configuration)
{
    public const string DefaultOfferTemplate =
        "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/{numero_formation}/{numero_action}?contexteFormation=ACTIVITE_PROFESSIONNELLE";
    public const string DefaultSearchTemplate = "https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/resultats?q={q}";

    public string For(string numeroFormation, string title)
    {
        var template = configuration["NationalCatalog:McfOfferUrl"] ?? DefaultOfferTemplate;
        if (!string.IsNullOrWhiteSpace(template) && template.Contains("{numero_formation}", StringComparison.Ordinal) && IsHttps(template))
            return template.Replace("{numero_formation}", Uri.EscapeDataString(numeroFormation))
                           .Replace("{numero_action}", Uri.EscapeDataString(numeroFormation));
        return Search(title);
    }

    public string Search(string text) =>
        (configuration["NationalCatalog:McfSearchUrl"] ?? DefaultSearchTemplate).Replace("{q}", Uri.EscapeDataString(text));

    private static bool IsHttps(string template) => template.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
