using System.Net;
using System.Text;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Integration;
using Formation.Tests.Support;

namespace Formation.Tests.Insights;

/// <summary>Training-needs watch (quality-review issue, point 6): needs stated by learners and employers, read by portal admins and operators.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class NeedsWatchReviewTests(FormationFactory factory) : IAsyncLifetime
{
    private static readonly string[] Features = ["Formation.Catalog", "Formation.Search", "Formation.Insights"];
    private readonly TestPortal _a = new("veille-a");
    private readonly TestPortal _b = new("veille-b");

    public async Task InitializeAsync()
    {
        await factory.RunRecipeAsync(_a.Recipe(features: Features));
        await factory.RunRecipeAsync(_b.Recipe(features: Features));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, string> Need(string theme, string people, string comment = "") => new()
    {
        ["Input.Theme"] = theme, ["Input.Territory"] = "59", ["Input.People"] = people, ["Input.Urgency"] = "Urgent", ["Input.Comment"] = comment,
    };

    private async Task<HttpClient> SignedInAsync(TestPortal portal, string role)
    {
        var client = factory.ClientFor(portal.Host);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(portal.Email(role), TestPortal.Password)).StatusCode);
        return client;
    }

    [Fact]
    public async Task Needs_stated_on_a_portal_reach_its_admins_only()
    {
        var employer = await SignedInAsync(_a, "employer-manager");
        Assert.Equal(HttpStatusCode.Redirect, (await employer.SubmitAsync("/besoins-de-formation", Need("mna", "12", "Accueil de MNA en hausse"))).StatusCode);
        var learner = await SignedInAsync(_a, "learner");
        Assert.Equal(HttpStatusCode.Redirect, (await learner.SubmitAsync("/besoins-de-formation", Need("mna", "1"))).StatusCode);

        var adminA = await SignedInAsync(_a, "tenant-admin");
        var dashboard = WebUtility.HtmlDecode(await adminA.GetStringAsync("/admin/besoins"));
        Assert.Contains("2 besoins exprimés pour 13 personnes", dashboard);
        Assert.Contains("Mineurs non accompagnés", dashboard);
        Assert.Contains("Accueil de MNA en hausse", dashboard);

        var adminB = await SignedInAsync(_b, "tenant-admin");
        var other = WebUtility.HtmlDecode(await adminB.GetStringAsync("/admin/besoins"));
        Assert.DoesNotContain("Accueil de MNA en hausse", other);

        await factory.EnsurePlatformAsync();
        await factory.RunRecipeAsync(new RecipeDocument { Name = "veille-plateforme", Steps = [TestPortal.Step(new { name = "features", tenant = TenantInfo.PlatformId, enable = Features })] });
        var operatorClient = factory.ClientFor("localhost");
        await operatorClient.LogInAsync("operateur@plateforme.test", TestPortal.Password);
        var all = WebUtility.HtmlDecode(await operatorClient.GetStringAsync("/admin/besoins"));
        Assert.Contains("Tous les portails", all);
        Assert.Contains("Accueil de MNA en hausse", all);
    }

    [Fact]
    public async Task Bad_input_is_refused_in_french_and_nothing_is_stored()
    {
        var learner = await SignedInAsync(_b, "learner");
        var refused = await learner.SubmitAsync("/besoins-de-formation", new Dictionary<string, string>(Need("inconnu", "0")) { ["Input.Territory"] = "999" });
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Choisissez une thématique", html);
        Assert.Contains("Choisissez un département", html);
        Assert.Contains("entre 1 et", html);
        var admin = await SignedInAsync(_b, "tenant-admin");
        Assert.Contains("0 besoin exprimé", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/besoins")));
    }

    [Fact]
    public async Task The_export_is_a_french_spreadsheet_safe_csv()
    {
        var portal = new TestPortal("veille-csv");
        await factory.RunRecipeAsync(portal.Recipe(features: Features));
        var employer = await SignedInAsync(portal, "employer-manager");
        await employer.SubmitAsync("/besoins-de-formation", Need("attachement", "5", "=HYPERLINK(\"http://x\")"));
        var admin = await SignedInAsync(portal, "tenant-admin");
        var response = await admin.GetAsync("/admin/besoins?handler=Csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("portail;date;thematique;metier;departement;personnes;urgence;demandeur;commentaire", lines[0]);
        Assert.Contains("Théorie de l'attachement;;59 — Nord;5;Urgent (sous 3 mois);Employeur;", lines[1]);
        Assert.Contains("'=HYPERLINK", lines[1]);
    }

    [Fact]
    public async Task Searches_without_result_join_the_watch()
    {
        var client = factory.ClientFor(_b.Host);
        var response = await client.GetStringAsync("/api/search?q=kintsugi");
        Assert.Contains("\"total\":0", response);
        var admin = await SignedInAsync(_b, "tenant-admin");
        Assert.Contains("kintsugi", await admin.GetStringAsync("/admin/besoins"));
    }

    [Theory]
    [InlineData("reviewer", "/besoins-de-formation")]
    [InlineData("learner", "/admin/besoins")]
    public async Task Each_page_admits_only_its_roles(string role, string path)
    {
        var client = await SignedInAsync(_a, role);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/acces-refuse", response.Headers.Location!.ToString());
    }
}
