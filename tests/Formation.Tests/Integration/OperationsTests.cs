using System.Net;
using System.Text.Json;
using Formation.Tests.Support;

namespace Formation.Tests.Integration;

[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class OperationsTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("ops");

    public Task InitializeAsync() => factory.RunRecipeAsync(_portal.Recipe());
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("inconnu.localhost")]
    [InlineData("localhost")]
    public async Task Health_answers_json_on_any_host_and_checks_the_database(string host)
    {
        var response = await factory.ClientFor(host).GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(factory.UsesPostgres ? "Postgres" : "Sqlite", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
    }

    [Fact]
    public async Task An_unknown_host_gets_a_plain_404_never_a_portal()
    {
        var response = await factory.ClientFor("inconnu.localhost").GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Portail introuvable", html);
        Assert.DoesNotContain("Site " + _portal.Id, html);
        Assert.DoesNotContain("fr-header", html);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_portal_is_reached_by_its_host_and_by_its_prefix()
    {
        var byHost = await factory.ClientFor(_portal.Host).GetStringAsync("/");
        Assert.Contains($"<title>Site {_portal.Id}</title>", byHost);
        Assert.Contains("data-theme=\"dsfr\"", byHost);

        var hostWithPort = await factory.ClientFor(_portal.Host + ":8080").GetStringAsync("/");
        Assert.Contains($"Site {_portal.Id}", hostWithPort);

        await factory.EnsurePlatformAsync();
        var byPrefix = await factory.ClientFor("localhost").GetAsync($"/{_portal.Id}/connexion");
        var html = await byPrefix.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, byPrefix.StatusCode);
        Assert.Contains($"Site {_portal.Id}", html);
        Assert.Contains($"href=\"/{_portal.Id}/dsfr/dsfr.min.css\"", html);
    }

    [Fact]
    public async Task People_get_a_french_error_page_and_apis_a_problem_response()
    {
        var page = await factory.ClientFor(_portal.Host).GetAsync("/page-qui-n-existe-pas");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Page non trouvée", html);
        Assert.Contains($"Site {_portal.Id}", html);

        var api = await factory.ClientFor(_portal.Host).GetAsync("/api/inexistant");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Ressource introuvable", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_openapi_document_and_its_browsable_ui_are_served()
    {
        var client = factory.ClientFor(_portal.Host);
        var doc = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, doc.StatusCode);
        using var json = JsonDocument.Parse(await doc.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", json.RootElement.GetProperty("openapi").GetString());
        Assert.Equal("Formation — API", json.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/portail", out _));
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/moi", out _));
        var ui = await factory.ClientFor(_portal.Host, followRedirects: true).GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task The_portal_api_describes_only_the_portal_that_answers()
    {
        using var json = JsonDocument.Parse(await factory.ClientFor(_portal.Host).GetStringAsync("/api/portail"));
        Assert.Equal(_portal.Id, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("Site " + _portal.Id, json.RootElement.GetProperty("siteTitle").GetString());
        Assert.Contains("Formation.Identity.Registration", json.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor("inconnu.localhost").GetAsync("/api/portail")).StatusCode);
    }

    [Fact]
    public async Task The_account_api_needs_a_session_of_this_portal()
    {
        var anonymous = await factory.ClientFor(_portal.Host).GetAsync("/api/moi");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        var client = factory.ClientFor(_portal.Host);
        await client.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        using var me = JsonDocument.Parse(await client.GetStringAsync("/api/moi"));
        Assert.Equal(_portal.Email("employer-manager"), me.RootElement.GetProperty("email").GetString());
        Assert.Equal(["employer-manager"], me.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_state_design_system_is_served_from_the_npm_package()
    {
        var css = await factory.ClientFor(_portal.Host).GetAsync("/dsfr/dsfr.min.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains("fr-header", await css.Content.ReadAsStringAsync());
    }
}
