using System.Text.RegularExpressions;
using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>The resource centre in the browser: scheduled news with an image, moderated good practices, the Liquid sandbox, home blocks.</summary>
public sealed class ContentTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    private async Task SignInAsync(IPage page, Portal portal, string email)
    {
        await page.GotoAsync(Fixture.Url(portal, "/connexion"));
        await page.Locator("#Input_Email").FillAsync(email);
        await page.Locator("#Input_Password").FillAsync(Portals.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
        // Signed in once the redirect leaves the sign-in page; the next step navigates anyway, so waiting for every
        // resource of the landing page (the load event) would only add a wait that a busy machine can stretch past 30 s.
        await page.WaitForURLAsync(url => !url.Contains("/connexion"), new() { WaitUntil = WaitUntilState.Commit });
    }

    private static string ParisInput(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).ToString("yyyy-MM-dd'T'HH:mm");

    /// <summary>Reloads until the condition holds (the search index follows publications through the outbox).</summary>
    private static async Task ReloadUntilAsync(IPage page, Func<Task<bool>> condition, string what)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(250);
            await page.ReloadAsync();
        }
        throw new Xunit.Sdk.XunitException("Never happened: " + what);
    }

    [Fact]
    public Task A_tenant_admin_schedules_a_news_article_with_an_image_that_appears_at_its_time_on_that_portal_only() => InPageAsync("content-news", async page =>
    {
        var federation = Portals.Federation;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var title = $"Assises régionales de l'accueil familial {suffix}";
        await SignInAsync(page, federation, "admin@federation.formation.test");

        // An image into the media library: alt text required.
        await page.GotoAsync(Fixture.Url(federation, "/admin/medias"));
        var png = Path.Combine(Path.GetTempPath(), $"affiche-{suffix}.png");
        await File.WriteAllBytesAsync(png, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="));
        await page.Locator("#file").SetInputFilesAsync(png);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter à la médiathèque" }).ClickAsync();
        await Expect(page.Locator(".fr-error-text")).ToContainTextAsync("texte alternatif");
        await page.Locator("#file").SetInputFilesAsync(png);
        await page.Locator("#altText").FillAsync("Affiche des assises : une famille d'accueil et deux enfants");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter à la médiathèque" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("ajouté à la médiathèque");

        // The article, with its live preview, scheduled two hours ahead.
        await page.GotoAsync(Fixture.Url(federation, "/admin/contenus"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Nouvelle actualité" }).ClickAsync();
        await page.Locator("#Input_Title").FillAsync(title);
        await page.Locator("#Input_Summary").FillAsync("Le programme des assises régionales consacrées au métier d'assistant familial.");
        await page.Locator("#Input_BodyMarkdown").FillAsync("## Programme\n\nUne journée d'échanges **entre pairs** sur l'accueil familial.");
        await Expect(page.Locator("#apercu-contenu strong")).ToHaveTextAsync("entre pairs");
        await Expect(page.Locator("#apercu-contenu h2")).ToHaveTextAsync("Programme");
        await page.Locator("#Input_CoverMediaId").SelectOptionAsync(new SelectOptionValue { Label = $"affiche-{suffix}.png — Affiche des assises : une famille d'accueil et deux enfants" });
        await page.Locator("label[for='theme-familles']").ClickAsync();
        var publishAt = Fixture.Clock.GetUtcNow().AddHours(2);
        await page.Locator("#Input_PublishAt").FillAsync(ParisInput(publishAt));
        await page.Locator("label[for='Input_Published']").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("publié");
        var slug = Regex.Replace(title.ToLowerInvariant().Replace("é", "e").Replace("'", "-"), "[^a-z0-9]+", "-").Trim('-');

        // Not yet: neither its page nor the list shows it.
        await page.GotoAsync(Fixture.Url(federation, "/admin/contenus"));
        await Expect(page.Locator("tr", new() { HasText = title })).ToContainTextAsync("Programmé pour le");
        await page.GotoAsync(Fixture.Url(federation, $"/actualites/{slug}"));
        await Expect(page).ToHaveTitleAsync(new Regex("Page non trouvée"));

        // Two hours later it is there, with its image and its text alternative, on this portal only.
        Fixture.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await page.GotoAsync(Fixture.Url(federation, "/actualites"));
        await page.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator("article img")).ToHaveAttributeAsync("alt", "Affiche des assises : une famille d'accueil et deux enfants");
        await Expect(page.Locator("meta[property='og:type']")).ToHaveAttributeAsync("content", "article");
        await page.GotoAsync(Fixture.Url(Portals.Departement, $"/actualites/{slug}"));
        await Expect(page).ToHaveTitleAsync(new Regex("Page non trouvée"));
        await page.GotoAsync(Fixture.Url(Portals.Departement, "/actualites"));
        await Expect(page.Locator("body")).Not.ToContainTextAsync(title);

        // Found by the search, as a resource-centre item, and in the portal's Atom feed.
        await page.GotoAsync(Fixture.Url(federation, $"/recherche?q={Uri.EscapeDataString("assises régionales " + suffix)}&source=ressources"));
        var hit = page.Locator($"a[href='/actualites/{slug}']");
        await ReloadUntilAsync(page, async () => await hit.CountAsync() > 0, "the article in the search");
        await page.GotoAsync(Fixture.Url(Portals.Departement, $"/recherche?q={Uri.EscapeDataString("assises régionales " + suffix)}"));
        await Expect(page.Locator($"a[href='/actualites/{slug}']")).ToHaveCountAsync(0);
        // The feeds, fetched by the browser from each portal (its resolver knows *.localhost).
        const string readFeed = "async () => { const r = await fetch('/actualites/flux.atom'); return r.headers.get('content-type') + '\\n' + await r.text(); }";
        await page.GotoAsync(Fixture.Url(federation, "/actualites"));
        var feed = await page.EvaluateAsync<string>(readFeed);
        Assert.StartsWith("application/atom+xml", feed);
        Assert.Contains($"/actualites/{slug}</id>", feed);
        await page.GotoAsync(Fixture.Url(Portals.Departement, "/actualites"));
        Assert.DoesNotContain(slug, await page.EvaluateAsync<string>(readFeed));
    });

    [Fact]
    public Task A_professional_proposes_a_good_practice_that_appears_only_once_an_editor_approves_it() => InPageAsync("content-practice", async page =>
    {
        var federation = Portals.Federation;
        var title = "Un café des familles d'accueil " + Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(page, federation, "apprenant@federation.formation.test");
        await page.GotoAsync(Fixture.Url(federation, "/bonnes-pratiques/proposer"));
        await page.Locator("#Input_Title").FillAsync(title);
        await page.Locator("#Input_Summary").FillAsync("Un rendez-vous mensuel entre assistants familiaux d'un même secteur.");
        await page.Locator("#Input_Territory").FillAsync("Secteur nord de la fédération");
        await page.Locator("#Input_Context").FillAsync("Des assistants familiaux isolés, loin du service.");
        await page.Locator("#Input_WhatWasDone").FillAsync("Un café mensuel animé à tour de rôle, ouvert aux nouveaux agréés.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Proposer", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("transmise à l'équipe éditoriale");
        await Expect(page.Locator(".fr-card", new() { HasText = title })).ToContainTextAsync("Proposée, à modérer");

        await page.GotoAsync(Fixture.Url(federation, "/ressources?type=bonnes-pratiques"));
        await Expect(page.Locator("body")).Not.ToContainTextAsync(title);

        // The portal's editor approves it.
        await page.Context.ClearCookiesAsync();
        await SignInAsync(page, federation, "admin@federation.formation.test");
        await page.GotoAsync(Fixture.Url(federation, "/admin/moderation"));
        var proposal = page.Locator("article.moderation-item", new() { HasText = title });
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Approuver et publier" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("approuvée et publiée");

        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(Fixture.Url(federation, "/ressources?type=bonnes-pratiques"));
        await page.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator("article")).ToContainTextAsync("Un café mensuel animé à tour de rôle");
    });

    [Fact]
    public Task A_liquid_override_that_reads_a_file_fails_safely_with_a_message() => InPageAsync("content-liquid", async page =>
    {
        var departement = Portals.Departement;
        await SignInAsync(page, departement, "admin@departement.formation.test");
        await page.GotoAsync(Fixture.Url(departement, "/admin/accueil"));
        var callToAction = page.Locator("li.home-block-admin[data-block='CallToAction']");
        await callToAction.Locator("summary").ClickAsync();
        await callToAction.Locator("textarea[name='Input.Template']").FillAsync("<div class=\"appel\">{{ block.title }}</div>{% include '../../appsettings.json' %}");
        await callToAction.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Enregistrer le bloc") }).ClickAsync();
        await Expect(page.Locator("li.home-block-admin[data-block='CallToAction'] .template-error")).ToContainTextAsync("Un gabarit ne peut lire aucun fichier");

        // The home page still renders, with the default block in place of the template.
        await page.GotoAsync(Fixture.Url(departement, "/"));
        var block = page.Locator("section[data-block='CallToAction']");
        await Expect(block.Locator(".fr-callout__title")).ToHaveTextAsync("Vous avez une pratique à partager ?");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("ConnectionStrings");

        // Put the block back to its default markup.
        await page.GotoAsync(Fixture.Url(departement, "/admin/accueil"));
        await callToAction.Locator("summary").ClickAsync();
        await callToAction.Locator("textarea[name='Input.Template']").FillAsync("");
        await callToAction.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Enregistrer le bloc") }).ClickAsync();
        await Expect(page.Locator(".template-error")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task An_admin_rearranges_the_home_page_blocks_without_code() => InPageAsync("content-blocks", async page =>
    {
        var plateforme = Portals.Plateforme;
        await page.GotoAsync(Fixture.Url(plateforme, "/"));
        var order = await page.Locator("section[data-block]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.block)");
        Assert.Equal(["Hero", "LatestNews", "FeaturedModules", "ResourcesByTheme", "CallToAction"], order);

        await SignInAsync(page, plateforme, "admin@plateforme.formation.test");
        await page.GotoAsync(Fixture.Url(plateforme, "/admin/accueil"));
        // Featured modules (third) move above the latest news, and the call to action to the top of the rest.
        await page.GetByRole(AriaRole.Button, new() { Name = "Monter le bloc 3" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ordre des blocs enregistré");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retirer le bloc 4" }).ClickAsync();

        await page.GotoAsync(Fixture.Url(plateforme, "/"));
        order = await page.Locator("section[data-block]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.block)");
        Assert.Equal(["Hero", "FeaturedModules", "LatestNews", "CallToAction"], order);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(plateforme.SiteTitle);
    });
}
