using System.Text.RegularExpressions;
using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>
/// The expert review in the browser, on the demo platform: an institute submits a module, two independent experts review
/// it through their inbox, and it reaches the search of the Département whose selection includes its theme.
/// </summary>
public sealed partial class ReviewPathTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    private static readonly string[] Experts = ["expert@plateforme.formation.test", "relectrice@plateforme.formation.test"];

    /// <summary>A word no demo module uses, made of letters only (the French analyser keeps it whole).</summary>
    private static string UniqueWord(string stem) => stem + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(5).ToArray());

    private async Task<IPage> SignedInAsync(string email)
    {
        var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Fixture.Url(Portals.Plateforme.Host, "/connexion"));
        await page.Locator("#Input_Email").FillAsync(email);
        await page.Locator("#Input_Password").FillAsync(Portals.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter" })).ToBeAttachedAsync();
        return page;
    }

    /// <summary>The publisher writes a module on the "attachement" theme and submits it; returns its workspace address.</summary>
    private async Task<string> SubmitModuleAsync(IPage publisher, string title)
    {
        await publisher.GotoAsync(Fixture.Url(Portals.Plateforme.Host, "/espace-editeur/nouveau"));
        await publisher.Locator("#Input_Title").FillAsync(title);
        await publisher.Locator("#Input_Summary").FillAsync("Comprendre les liens d'attachement des enfants confiés et y ajuster sa pratique.");
        await publisher.Locator("#Input_Description").FillAsync("Un module court, illustré de situations de **placement familial**.");
        await publisher.Locator("#Input_Objectives").FillAsync("Repérer les figures d'attachement");
        await publisher.Locator("label[for='theme-attachement']").ClickAsync();
        await publisher.Locator("label[for='metier-educateur-specialise']").ClickAsync();
        await publisher.Locator("#Input_DurationHours").FillAsync("3");
        await publisher.Locator("#Input_AccessibilityInfo").FillAsync("Vidéos sous-titrées et transcriptions.");
        await publisher.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le brouillon" }).ClickAsync();
        await Expect(publisher.Locator(".fr-alert--success")).ToContainTextAsync("Brouillon enregistré");
        await publisher.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et soumettre à relecture" }).ClickAsync();
        await Expect(publisher.Locator(".fr-alert--success")).ToContainTextAsync("soumis à relecture");
        return publisher.Url;
    }

    /// <summary>An expert opens the module from their inbox, scores every criterion and decides.</summary>
    private async Task ReviewAsync(IPage expert, string title, string decision, string? comment = null, bool expectChanges = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            await expert.GotoAsync(Fixture.Url(Portals.Plateforme.Host, "/relecture"));
            if (await expert.GetByRole(AriaRole.Link, new() { Name = title }).CountAsync() > 0) break;
            if (attempt == 40) throw new Xunit.Sdk.XunitException($"« {title} » never reached the inbox of {expert.Url}");
            await Task.Delay(250);
        }
        await expert.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Expect(expert.Locator("h1")).ToContainTextAsync(title);
        if (expectChanges) await Expect(expert.GetByRole(AriaRole.Heading, new() { Name = "Ce qui a changé depuis le tour précédent" })).ToBeVisibleAsync();
        var score = decision == "approve" ? "4" : "2";
        foreach (var label in await expert.Locator($"label[for^='note-'][for$='-{score}']").AllAsync()) await label.ClickAsync();
        await expert.Locator($"label[for='decision-{decision}']").ClickAsync();
        if (comment is not null) await expert.Locator("#Comment").FillAsync(comment);
        await expert.GetByRole(AriaRole.Button, new() { Name = "Rendre ma relecture" }).ClickAsync();
        // Wait for the answer (a success or an error message), not for every resource of the page (the load event), which
        // a busy machine stretched past 30 s once.
        await Expect(expert.Locator(".fr-alert--success, .fr-alert--error, .fr-error-text, .fr-message--error").First)
            .ToBeVisibleAsync(new() { Timeout = 30_000 });
        if (await expert.Locator(".fr-alert--success").CountAsync() == 0)
            throw new Xunit.Sdk.XunitException($"Review not accepted on {expert.Url}: " + string.Join(" | ", await expert.Locator(".fr-alert, .fr-error-text, .fr-message--error").AllInnerTextsAsync()));
    }

    /// <summary>Searches the Département's portal until the module shows up (publication reaches the index through events).</summary>
    private async Task ExpectInDepartementSearchAsync(IPage page, string word, string title)
    {
        var departement = Portals.Departement;
        for (var attempt = 0; ; attempt++)
        {
            await page.GotoAsync(Fixture.Url(departement.Host, $"/recherche?q={word}"));
            if (await page.Locator(".fr-card__title", new() { HasText = title }).CountAsync() > 0) return;
            if (attempt == 40) throw new Xunit.Sdk.XunitException($"« {title} » never appeared in the Département's search");
            await Task.Delay(250);
        }
    }

    [Fact]
    public Task A_submitted_module_approved_by_two_experts_appears_in_the_search_of_a_curating_portal() => InPageAsync("review-approve", async page =>
    {
        var word = UniqueWord("Attachelune");
        var title = $"L'attachement au quotidien {word}";
        var publisher = await SignedInAsync("editeur@plateforme.formation.test");
        var workspace = await SubmitModuleAsync(publisher, title);

        // Nothing reaches learners before the experts decide.
        await page.GotoAsync(Fixture.Url(Portals.Departement.Host, $"/recherche?q={word}"));
        await Expect(page.Locator("body")).Not.ToContainTextAsync(title);

        foreach (var email in Experts) await ReviewAsync(await SignedInAsync(email), title, "approve");

        await ExpectInDepartementSearchAsync(page, word, title);
        await page.Locator(".fr-card__title a", new() { HasText = title }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync(title);

        // The publisher sees the outcome and the experts' comments on the review status page (anonymous by default).
        await publisher.GotoAsync(StatusUrl(workspace));
        await Expect(publisher.Locator("body")).ToContainTextAsync("Publié");
    });

    [Fact]
    public Task Changes_requested_then_resubmitted_then_approved() => InPageAsync("review-changes", async page =>
    {
        var word = UniqueWord("Boucleverte");
        var title = $"Travailler avec les familles {word}";
        var publisher = await SignedInAsync("editeur@plateforme.formation.test");
        var workspace = await SubmitModuleAsync(publisher, title);

        var experts = new List<IPage>();
        foreach (var email in Experts) experts.Add(await SignedInAsync(email));
        foreach (var expert in experts) await ReviewAsync(expert, title, "changes", "Ajoutez un objectif sur le travail avec les parents.");

        // The publisher reads the request, edits the draft and submits again.
        for (var attempt = 0; ; attempt++)
        {
            await publisher.GotoAsync(workspace);
            await publisher.Locator("#Input_Objectives").FillAsync("Repérer les figures d'attachement\nAssocier les parents au projet pour l'enfant");
            await publisher.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et soumettre à relecture" }).ClickAsync();
            if (await publisher.Locator(".fr-alert--success").CountAsync() > 0) break;
            // The changes request may still be on its way: until then the draft is locked, with a French message.
            await Expect(publisher.Locator("body")).ToContainTextAsync("en relecture");
            if (attempt == 40) throw new Xunit.Sdk.XunitException("The draft stayed locked after the changes request.");
            await Task.Delay(250);
        }
        await Expect(publisher.Locator(".fr-alert--success")).ToContainTextAsync("soumis à relecture");

        foreach (var expert in experts) await ReviewAsync(expert, title, "approve", expectChanges: true);
        await ExpectInDepartementSearchAsync(page, word, title);

        await publisher.GotoAsync(StatusUrl(workspace));
        await Expect(publisher.Locator("body")).ToContainTextAsync("Ajoutez un objectif sur le travail avec les parents.");
        await Expect(publisher.GetByRole(AriaRole.Heading, new() { Name = "Tour 2" })).ToBeVisibleAsync();
    });

    private static string StatusUrl(string workspace) => ModuleIdPattern().Replace(workspace, m => $"/espace-editeur/{m.Groups[1].Value}/relecture");

    [GeneratedRegex(@"/espace-editeur/([0-9a-f-]{36}).*$")]
    private static partial Regex ModuleIdPattern();
}
