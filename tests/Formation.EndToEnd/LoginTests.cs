using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>Every demo account signs in on its own portal, sees its name, its portal's brand and the menus of its role, then signs out.</summary>
public sealed class LoginTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    public static TheoryData<string, string> DemoAccounts()
    {
        var data = new TheoryData<string, string>();
        foreach (var account in Portals.Accounts) data.Add(account.Portal, account.Role);
        return data;
    }

    [Theory]
    [MemberData(nameof(DemoAccounts))]
    public Task Demo_account_signs_in_sees_its_menus_and_signs_out(string portalKey, string role)
    {
        var portal = Portals.Get(portalKey);
        var account = Portals.Accounts.Single(a => a.Portal == portalKey && a.Role == role);
        return InPageAsync($"login-{portalKey}-{role}", async page =>
        {
            await page.GotoAsync(Fixture.Url(portal, "/connexion"));
            await page.Locator("#Input_Email").FillAsync(account.Email);
            await page.Locator("#Input_Password").FillAsync(Portals.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();

            // Back on the portal's home page, under the portal's own brand.
            await Expect(page).ToHaveURLAsync(Fixture.Url(portal, "/"));
            await Expect(page).ToHaveTitleAsync(portal.SiteTitle);
            var banner = page.GetByRole(AriaRole.Banner);
            await Expect(banner).ToContainTextAsync(portal.SiteTitle);
            Assert.Equal(portal.Theme, await page.Locator("body").GetAttributeAsync("data-theme"));

            // The header names the signed-in person and links to their account.
            var accountLink = Visible(banner.GetByRole(AriaRole.Link, new() { Name = account.DisplayName, Exact = true }));
            await Expect(accountLink).ToBeVisibleAsync();
            await Expect(accountLink).ToHaveAttributeAsync("href", "/compte");
            await Expect(banner.GetByRole(AriaRole.Link, new() { Name = "Se connecter", Exact = true })).ToHaveCountAsync(0);

            await AssertAdminMenuAsync(page, portal, ExpectedAdminEntries(portal, role));

            // Signing out brings back the anonymous header, and the account page asks to sign in again.
            await Visible(banner.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter", Exact = true })).ClickAsync();
            await Expect(page).ToHaveURLAsync(Fixture.Url(portal, "/"));
            await Expect(Visible(banner.GetByRole(AriaRole.Link, new() { Name = "Se connecter", Exact = true }))).ToBeVisibleAsync();
            await Expect(banner.GetByRole(AriaRole.Link, new() { Name = account.DisplayName, Exact = true })).ToHaveCountAsync(0);
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter", Exact = true })).ToHaveCountAsync(0);
            await page.GotoAsync(Fixture.Url(portal, "/compte"));
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/connexion\\?ReturnUrl=%2Fcompte$"));
        });
    }

    /// <summary>Tenant admins see the portal's administration; the platform operator also sees the portals, on the platform only.</summary>
    private static IReadOnlyList<string> ExpectedAdminEntries(Portal portal, string role) => role switch
    {
        "tenant-admin" => Portals.TenantAdminEntries,
        "platform-admin" when portal == Portals.Plateforme => [Portals.PlatformEntry, .. Portals.TenantAdminEntries],
        _ => [],
    };

    private static async Task AssertAdminMenuAsync(IPage page, Portal portal, IReadOnlyList<string> expected)
    {
        var nav = page.Locator("#navigation-principale");
        if (portal.Theme == "dsfr")
        {
            // DSFR: the entries sit in a collapsed sub-menu behind an "Administration" button.
            var button = nav.GetByRole(AriaRole.Button, new() { Name = "Administration", Exact = true });
            if (expected.Count == 0)
            {
                await Expect(button).ToHaveCountAsync(0);
            }
            else
            {
                await Expect(button).ToBeVisibleAsync();
                await button.ClickAsync();
                await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
            }
        }
        foreach (var entry in Portals.TenantAdminEntries.Append(Portals.PlatformEntry))
        {
            var link = nav.GetByRole(AriaRole.Link, new() { Name = entry, Exact = true });
            if (expected.Contains(entry)) await Expect(link).ToBeVisibleAsync();
            else await Expect(link).ToHaveCountAsync(0);
        }
    }

    /// <summary>DSFR copies the header tools into its (hidden on desktop) mobile menu: keep the copy that is shown.</summary>
    private static ILocator Visible(ILocator locator) => locator.Filter(new() { Visible = true });
}
