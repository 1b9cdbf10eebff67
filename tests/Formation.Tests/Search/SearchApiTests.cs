using System.Net;
using System.Text.Json;
using Formation.Catalog.Contracts;
using Formation.Search.Data;
using Formation.Shell.Events;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Formation.Tests.Search.SearchTestData;

namespace Formation.Tests.Search;

/// <summary>
/// A host of its own whose catalogue is a fake (the Catalog module is not under test): a portal with search on and
/// curation "MNA only", one without search, and modules indexed through the catalogue's events.
/// </summary>
public sealed class SearchHostFixture : IAsyncLifetime
{
    public FakeCatalogReader Catalog { get; } = new();
    public FormationFactory Factory { get; }
    public TestPortal Portal { get; } = new("recherche");
    public TestPortal WithoutSearch { get; } = new("sansrecherche");
    public PublishedModule Kept { get; } = Module("Accueillir des mineurs non accompagnés", summary: "Accueil de l'enfant exilé.", themes: ["mna"]);
    public PublishedModule LeftOut { get; } = Module("Théorie de l'attachement", summary: "Les liens de l'enfant.", themes: ["attachement"]);
    public PublishedModule Own { get; private set; } = null!;

    public SearchHostFixture() => Factory = new FormationFactory { TestServices = s => s.AddSingleton<ICatalogReader>(Catalog) };

    public async Task InitializeAsync()
    {
        await Factory.EnsurePlatformAsync();
        await Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "recherche-plateforme",
            Steps = [TestPortal.Step(new { name = "features", tenant = TenantInfo.PlatformId, enable = new[] { "Formation.Search" } })],
        });
        await Factory.RunRecipeAsync(Portal.Recipe(features: ["Formation.Search"]));
        await Factory.RunRecipeAsync(WithoutSearch.Recipe(features: []));
        Own = Module("Le PPE au département", summary: "Écrire le projet de l'enfant.", owner: Portal.Id, themes: ["fondamentaux-ase"]);
        Catalog.SetCuration(Portal.Id, new CatalogCurationDto(CurationMode.Rules, ["mna"], [], []));
        var series = Enumerable.Range(1, 23).Select(i => Module($"Série {i:00}", owner: Portal.Id, publishedDaysAgo: i));
        foreach (var module in series.Prepend(Own).Prepend(LeftOut).Prepend(Kept))
        {
            Catalog.Publish(module);
            await Factory.InTenantAsync(module.OwnerTenantId, async sp =>
            {
                await sp.GetRequiredService<DomainEvents>().RaiseAsync(new ModulePublished(module.Id, module.VersionId, module.OwnerTenantId));
                return true;
            });
        }
        // The outbox dispatcher indexes them in the background.
        var client = Factory.ClientFor(Portal.Host);
        for (var wait = 0; wait < 100 && (await SearchAsync(client, "")).GetProperty("total").GetInt32() < 25; wait++) await Task.Delay(100);
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();

    public static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}

[Trait("Category", "Integration")]
public sealed class SearchApiTests(SearchHostFixture host) : IClassFixture<SearchHostFixture>
{
    private HttpClient Client => host.Factory.ClientFor(host.Portal.Host);

    [Fact]
    public async Task The_api_answers_what_the_portal_shows_and_never_what_its_curation_leaves_out()
    {
        var json = await SearchHostFixture.SearchAsync(Client, "q=enfant");
        Assert.Equal(2, json.GetProperty("total").GetInt32());
        var hits = json.GetProperty("hits").EnumerateArray().ToDictionary(h => h.GetProperty("title").GetString()!);
        Assert.Equal([host.Kept.Title, host.Own.Title], hits.Keys.Order());
        var own = hits[host.Own.Title];
        Assert.Equal(host.Own.Id, own.GetProperty("id").GetGuid());
        Assert.Equal("portail", own.GetProperty("source").GetString());
        Assert.Equal("/formations/" + host.Own.Slug, own.GetProperty("url").GetString());
        Assert.Contains("<mark>enfant</mark>", own.GetProperty("highlights").GetProperty("summary").GetString());
        Assert.Equal("plateforme", hits[host.Kept.Title].GetProperty("source").GetString());

        var themes = json.GetProperty("facets").GetProperty("theme").EnumerateArray().Select(v => v.GetProperty("value").GetString()).ToList();
        Assert.Equal(["fondamentaux-ase", "mna"], themes.Order());
        Assert.DoesNotContain("attachement", await Client.GetStringAsync("/api/search?q=attachement"));
    }

    [Fact]
    public async Task Urls_keep_the_portal_prefix()
    {
        var json = await SearchHostFixture.SearchAsync(host.Factory.ClientFor("localhost"), "q=ppe");
        Assert.Equal(0, json.GetProperty("total").GetInt32()); // the platform portal does not show a portal's own module

        var response = await host.Factory.ClientFor("localhost").GetStringAsync($"/{host.Portal.Id}/api/search?q=ppe");
        var hit = JsonDocument.Parse(response).RootElement.GetProperty("hits")[0];
        Assert.Equal($"/{host.Portal.Id}/formations/{host.Own.Slug}", hit.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("q=%22projet+pour", "q")]
    [InlineData("theme=inconnu", "theme")]
    [InlineData("tri=hasard", "tri")]
    [InlineData("page=abc", "page")]
    public async Task Malformed_queries_and_bad_parameters_get_a_french_problem_response(string query, string field)
    {
        var response = await Client.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Recherche invalide", problem.GetProperty("title").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Search_exists_only_on_portals_where_it_is_enabled()
    {
        var without = host.Factory.ClientFor(host.WithoutSearch.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await without.GetAsync("/api/search?q=enfant")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await without.GetAsync("/recherche")).StatusCode);
        Assert.DoesNotContain("href=\"/recherche\"", await without.GetStringAsync("/"));
        Assert.Contains("href=\"/recherche\"", await Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Searches_that_find_nothing_are_counted_per_portal_for_the_needs_watch()
    {
        await SearchHostFixture.SearchAsync(Client, "q=Zorglub+introuvable");
        await SearchHostFixture.SearchAsync(Client, "q=zorglub++INTROUVABLE");
        await SearchHostFixture.SearchAsync(Client, "q=zorglub+introuvable&prix=payant"); // filtered: not a need
        var rows = await host.Factory.InTenantAsync(host.Portal.Id, sp =>
            sp.GetRequiredService<SearchDbContext>().ZeroResultQueries.Where(q => q.Query.StartsWith("zorglub")).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(("zorglub introuvable", 2, host.Portal.Id), (row.Query, row.Count, row.TenantId));
        var elsewhere = await host.Factory.InTenantAsync(TenantInfo.PlatformId, sp =>
            sp.GetRequiredService<SearchDbContext>().ZeroResultQueries.CountAsync(q => q.Query.StartsWith("zorglub")));
        Assert.Equal(0, elsewhere);
    }

    [Fact]
    public async Task The_search_page_lists_highlighted_results_with_facets_in_french()
    {
        var html = await Client.GetStringAsync("/recherche?q=enfant&tri=recent");
        Assert.Contains("2 formations trouvées", html);
        Assert.Contains("aria-live=\"polite\"", html);
        Assert.Contains("fr-search-bar", html);
        Assert.Contains("class=\"fr-card", html);
        Assert.Contains($"href=\"/formations/{host.Own.Slug}\"", html);
        Assert.Contains("<mark>enfant</mark>", html);
        Assert.Contains("name=\"theme\" value=\"mna\"", html);
        Assert.Contains("<option value=\"recent\" selected=\"selected\">", html);
        Assert.DoesNotContain(host.LeftOut.Title.Replace("'", "&#x27;"), html);
        Assert.DoesNotContain("attachement", html);

        var malformed = await Client.GetAsync("/recherche?q=%22projet");
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Contains("guillemet n&#x27;est pas refermé", await malformed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Platform_admins_edit_the_synonyms_and_the_next_search_uses_them()
    {
        var admin = host.Factory.ClientFor("localhost");
        await admin.LogInAsync("operateur@plateforme.test", TestPortal.Password);
        Assert.Contains("ASE, aide sociale", await admin.GetStringAsync("/plateforme/recherche/synonymes"));

        var refused = await admin.SubmitAsync("/plateforme/recherche/synonymes", new Dictionary<string, string> { ["Texte"] = "ASE" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Ligne 1 :", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, (await SearchHostFixture.SearchAsync(Client, "q=bidule")).GetProperty("total").GetInt32());

        var saved = await admin.SubmitAsync("/plateforme/recherche/synonymes", new Dictionary<string, string> { ["Texte"] = SynonymsWith("bidule, département") });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(1, (await SearchHostFixture.SearchAsync(Client, "q=bidule")).GetProperty("total").GetInt32());

        var portalAdmin = host.Factory.ClientFor(host.Portal.Host);
        await portalAdmin.LogInAsync(host.Portal.Email("tenant-admin"), TestPortal.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await portalAdmin.GetAsync("/plateforme/recherche/synonymes")).StatusCode);
    }

    [Fact]
    public async Task Results_come_twenty_per_page_with_dsfr_pagination()
    {
        var json = await SearchHostFixture.SearchAsync(Client, "q=serie&tri=recent&page=2");
        Assert.Equal(23, json.GetProperty("total").GetInt32());
        Assert.Equal(["Série 21", "Série 22", "Série 23"], json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("title").GetString()));

        var html = await Client.GetStringAsync("/recherche?q=serie&tri=recent");
        Assert.Contains("23 formations trouvées", html);
        Assert.Equal(20, html.Split("class=\"fr-card ").Length - 1);
        Assert.Contains("class=\"fr-pagination", html);
        Assert.Contains("aria-current=\"page\" title=\"Page 1\"", html);
        Assert.Contains("href=\"/recherche?q=serie&amp;tri=recent&amp;page=2\"", html);
    }

    private static string SynonymsWith(string line) => Formation.Search.Analysis.SynonymStore.DefaultText() + "\n" + line + "\n";

    [Fact]
    public async Task The_openapi_document_describes_the_search()
    {
        using var json = JsonDocument.Parse(await Client.GetStringAsync("/openapi/v1.json"));
        var search = json.RootElement.GetProperty("paths").GetProperty("/api/search").GetProperty("get");
        Assert.StartsWith("Recherche des formations", search.GetProperty("summary").GetString());
        var parameters = search.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("q", parameters);
        Assert.Contains("theme", parameters);
        Assert.Contains("tri", parameters);
    }
}
