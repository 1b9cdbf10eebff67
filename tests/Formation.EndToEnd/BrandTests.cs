using System.Text.Json;
using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>Each host name shows its own portal, brand and theme; a host no portal claims gets a plain 404.</summary>
public sealed class BrandTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    [Theory]
    [InlineData("plateforme", "localhost")]
    [InlineData("plateforme", "127.0.0.1")]
    [InlineData("departement", "departement.localhost")]
    [InlineData("federation", "federation.localhost")]
    public Task Portal_shows_its_own_brand_and_theme(string portalKey, string host)
    {
        var portal = Portals.Get(portalKey);
        return InPageAsync($"brand-{host}", async page =>
        {
            var broken = new List<string>();
            page.Response += (_, response) => { if (response.Status >= 400) broken.Add($"{response.Status} {response.Url}"); };
            page.RequestFailed += (_, request) => broken.Add($"failed {request.Url}: {request.Failure}");

            var response = await page.GotoAsync(Fixture.Url(host, "/"), new() { WaitUntil = WaitUntilState.NetworkIdle });
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);

            await Expect(page).ToHaveTitleAsync(portal.SiteTitle);
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-theme", portal.Theme);
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-tenant", portal.TenantId);
            await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync(portal.SiteTitle);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(portal.SiteTitle);
            foreach (var other in Portals.All.Where(p => p != portal && p != Portals.Plateforme))
                await Expect(page.GetByRole(AriaRole.Banner)).Not.ToContainTextAsync(other.SiteTitle);

            // The theme's style sheets, the design system's script and the portal's logo all load.
            Assert.True(broken.Count == 0, "Resources that did not load:\n" + string.Join("\n", broken));
        });
    }

    [Fact]
    public Task Unknown_host_gets_a_plain_404() => InPageAsync("brand-unknown-host", async page =>
    {
        var response = await page.GotoAsync(Fixture.Url("inconnu.localhost", "/"));
        Assert.NotNull(response);
        Assert.Equal(404, response.Status);
        await Expect(page).ToHaveTitleAsync("Portail introuvable");
        // A bare page: no theme, no portal, no header; none of the white-label portals' titles.
        await Expect(page.Locator("body[data-theme], body[data-tenant]")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Banner)).ToHaveCountAsync(0);
        foreach (var portal in Portals.All.Where(p => p != Portals.Plateforme))
            await Expect(page.Locator("body")).Not.ToContainTextAsync(portal.SiteTitle);

        // Not even a portal's page under another path.
        var login = await page.GotoAsync(Fixture.Url("inconnu.localhost", "/connexion"));
        Assert.Equal(404, login!.Status);
    });

    [Fact]
    public Task Health_answers_json_on_any_host() => InPageAsync("health-any-host", async page =>
    {
        foreach (var host in new[] { "localhost", "federation.localhost", "inconnu.localhost" })
        {
            var response = await page.GotoAsync(Fixture.Url(host, "/health"));
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            Assert.StartsWith("application/json", response.Headers["content-type"]);
            using var json = JsonDocument.Parse(await response.TextAsync());
            Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        }
    });
}
