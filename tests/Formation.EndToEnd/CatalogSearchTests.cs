using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>A learner finds training on their portal: French search with highlights, then facets; the portal's selection holds.</summary>
public sealed class CatalogSearchTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    [Fact]
    public Task A_learner_searches_highlighted_results_then_narrows_them_with_facets() => InPageAsync("search-departement", async page =>
    {
        var portal = Portals.Get("departement");
        await page.GotoAsync(Fixture.Url(portal.Host, "/connexion"));
        await page.Locator("#Input_Email").FillAsync("apprenant@departement.formation.test");
        await page.Locator("#Input_Password").FillAsync(Portals.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Camille Apprenant");

        await page.GetByRole(AriaRole.Link, new() { Name = "Rechercher", Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Searchbox).FillAsync("educateurs violence");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rechercher", Exact = true }).ClickAsync();

        // Accents, plural and gender forgiven: titles that say "éducateur" and "violences" come back, highlighted.
        var titles = page.Locator("h2.fr-card__title, h3.fr-card__title");
        await Expect(titles.First).ToBeVisibleAsync();
        var allTitles = await titles.AllInnerTextsAsync();
        Assert.Contains(allTitles, t => t.Contains("éducateur", StringComparison.OrdinalIgnoreCase) && t.Contains("violences", StringComparison.OrdinalIgnoreCase));
        var marks = await page.Locator("mark").AllInnerTextsAsync();
        Assert.Contains(marks, m => m.StartsWith("éducat", StringComparison.OrdinalIgnoreCase) || m.StartsWith("Éducat", StringComparison.Ordinal));
        Assert.Contains(marks, m => m.StartsWith("violence", StringComparison.OrdinalIgnoreCase));
        var before = allTitles.Count;

        // The Département's selection leaves the digital-risks modules out: never shown here.
        Assert.DoesNotContain(allTitles, t => t.Contains("cyberviolences", StringComparison.OrdinalIgnoreCase));

        // Narrow to free MOOCs with the facets.
        await page.Locator("label[for='filtre-prix-gratuit']").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Appliquer les filtres" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("prix=gratuit"));
        await Expect(page.Locator("#filtre-prix-gratuit")).ToBeCheckedAsync();
        var narrowed = await titles.AllInnerTextsAsync();
        Assert.NotEmpty(narrowed);
        Assert.True(narrowed.Count < before, $"Facet did not narrow: {before} → {narrowed.Count}");

        // The first result opens its module page, with its free price.
        await titles.First.Locator("a").ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(narrowed[0].Trim());
        await Expect(page.Locator(".module-price")).ToContainTextAsync("Gratuit");
    });

    [Fact]
    public Task The_federation_only_shows_its_hand_picked_modules() => InPageAsync("search-federation", async page =>
    {
        var federation = Portals.Get("federation");
        await page.GotoAsync(Fixture.Url(federation.Host, "/recherche?q=management"));
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Piloter la formation continue");
        await page.GotoAsync(Fixture.Url(federation.Host, "/formations/piloter-formation-continue-odpe"));
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Page non trouvée"));
        await page.GotoAsync(Fixture.Url("localhost", "/formations/piloter-formation-continue-odpe"));
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
    });
}
