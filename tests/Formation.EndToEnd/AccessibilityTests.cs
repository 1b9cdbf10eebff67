using System.Text;
using System.Text.Json;
using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Formation.EndToEnd;

/// <summary>axe-core finds no serious or critical WCAG 2.x A/AA violation on the public pages of each portal.</summary>
public sealed class AccessibilityTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        foreach (var portal in Portals.All)
            foreach (var path in new[] { "/", "/connexion", "/formations", "/recherche?q=attachement", "/formations/reperer-violences-role-educateur",
                                         "/actualites", "/ressources", "/actualites/loi-7-fevrier-2022-ce-qui-change", "/bonnes-pratiques/reseau-pairs-aidants-sortie-ase", "/verifier",
                                         "/recherche?source=cpf", "/catalogue-national/01234567800012_DEES-VAE-DEMO" })
                data.Add(portal.Key, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public Task Page_has_no_serious_accessibility_violation(string portalKey, string path)
    {
        var portal = Portals.Get(portalKey);
        return InPageAsync($"a11y-{portalKey}-{path}", async page =>
        {
            var response = await page.GotoAsync(Fixture.Url(portal, path), new() { WaitUntil = WaitUntilState.NetworkIdle });
            Assert.Equal(200, response?.Status);

            var (violations, rulesRun) = await RunAxeAsync(page);
            Output.WriteLine($"axe ran {rulesRun} rule(s) on {portal.Host}{path}");
            Assert.True(rulesRun > 0, "axe-core ran no rule: check the WCAG tags and the injected script.");
            foreach (var v in violations)
                Output.WriteLine($"axe {v.Impact}: {v.Id} — {v.Help} ({v.Nodes.Count} element(s))");

            var blocking = violations.Where(v => BlockingImpacts.Contains(v.Impact)).ToList();
            Assert.True(blocking.Count == 0, Describe(portal, path, blocking));
        });
    }

    public static TheoryData<string, string, string> SignedInPages() => new()
    {
        { "admin@departement.formation.test", "departement", "/admin/marque" },
        { "admin@departement.formation.test", "departement", "/admin/catalogue" },
        { "admin@departement.formation.test", "departement", "/admin/publication" },
        { "admin@departement.formation.test", "departement", "/admin/besoins" },
        { "admin@federation.formation.test", "federation", "/admin/comptes" },
        { "editeur@plateforme.formation.test", "plateforme", "/espace-editeur" },
        { "editeur@plateforme.formation.test", "plateforme", "/espace-editeur/nouveau" },
        { "apprenant@departement.formation.test", "departement", "/besoins-de-formation" },
        { "apprenant@departement.formation.test", "departement", "/mes-formations" },
        { "employeur@plateforme.formation.test", "plateforme", "/mes-formations/equipe" },
        { "operateur@plateforme.formation.test", "plateforme", "/plateforme/portails" },
        { "operateur@plateforme.formation.test", "plateforme", "/plateforme/catalogue-national" },
        { "operateur@plateforme.formation.test", "plateforme", "/plateforme/catalogue-national/regles" },
        { "employeur@departement.formation.test", "departement", "/employeur/abondements-cpf" },
        { "employeur@departement.formation.test", "departement", "/employeur/abondements-cpf/nouveau?formation=45678912300018_IP-DISTANCE-DEMO" },
        { "admin@federation.formation.test", "federation", "/admin/contenus" },
        { "admin@departement.formation.test", "departement", "/admin/contenus/edition?type=Resource" },
        { "admin@departement.formation.test", "departement", "/admin/medias" },
        { "admin@departement.formation.test", "departement", "/admin/menu" },
        { "admin@federation.formation.test", "federation", "/admin/accueil" },
        { "admin@departement.formation.test", "departement", "/admin/moderation" },
        { "apprenant@federation.formation.test", "federation", "/bonnes-pratiques/proposer" },
        { "apprenant@departement.formation.test", "departement", "/bonnes-pratiques/mes-propositions" },
    };

    [Theory]
    [MemberData(nameof(SignedInPages))]
    public Task Signed_in_page_has_no_serious_accessibility_violation(string email, string portalKey, string path)
    {
        var portal = Portals.Get(portalKey);
        return InPageAsync($"a11y-signed-{portalKey}-{path}", async page =>
        {
            await page.GotoAsync(Fixture.Url(portal, "/connexion"));
            await page.Locator("#Input_Email").FillAsync(email);
            await page.Locator("#Input_Password").FillAsync(Portals.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/connexion"));
            var response = await page.GotoAsync(Fixture.Url(portal, path), new() { WaitUntil = WaitUntilState.NetworkIdle });
            Assert.Equal(200, response?.Status);
            var (violations, rulesRun) = await RunAxeAsync(page);
            Assert.True(rulesRun > 0, "axe-core ran no rule.");
            var blocking = violations.Where(v => BlockingImpacts.Contains(v.Impact)).ToList();
            Assert.True(blocking.Count == 0, Describe(portal, path, blocking));
        });
    }

    /// <summary>The harness itself: a page with an image without text alternative must be reported (image-alt, critical).</summary>
    [Fact]
    public Task Axe_reports_a_known_violation() => InPageAsync("a11y-harness", async page =>
    {
        await page.SetContentAsync("""<!doctype html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>""");
        var (violations, _) = await RunAxeAsync(page);
        var imageAlt = Assert.Single(violations, v => v.Id == "image-alt");
        Assert.Equal("critical", imageAlt.Impact);
        Assert.Contains("img", Assert.Single(imageAlt.Nodes).Target);
    });

    private static async Task<(IReadOnlyList<AxeViolation> Violations, int RulesRun)> RunAxeAsync(IPage page)
    {
        await page.AddScriptTagAsync(new() { Path = RepoPaths.AxeScript });
        var json = await page.EvaluateAsync<string>(
            """
            async tags => {
                const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
                return JSON.stringify({
                    rulesRun: results.violations.length + results.passes.length + results.incomplete.length,
                    violations: results.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        nodes: v.nodes.map(n => ({ target: n.target.flat(Infinity).join(' >>> '), html: n.html, summary: n.failureSummary })),
                    })),
                });
            }
            """, WcagTags);
        var result = JsonSerializer.Deserialize<AxeResult>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("axe-core returned no result.");
        return (result.Violations, result.RulesRun);
    }

    private static string Describe(Portal portal, string path, IReadOnlyList<AxeViolation> violations)
    {
        var text = new StringBuilder($"{violations.Count} serious or critical axe violation(s) on {portal.Host}{path}:");
        foreach (var v in violations)
        {
            text.Append($"\n- {v.Id} ({v.Impact}): {v.Help} — {v.HelpUrl}");
            foreach (var node in v.Nodes)
                text.Append($"\n    {node.Target}  {Shorten(node.Html)}");
        }
        return text.ToString();
    }

    private static string Shorten(string html) => html.Length <= 160 ? html : html[..157] + "...";

    private sealed record AxeResult(int RulesRun, List<AxeViolation> Violations);

    private sealed record AxeViolation(string Id, string Impact, string Help, string HelpUrl, List<AxeNode> Nodes);

    private sealed record AxeNode(string Target, string Html, string? Summary);
}
