using System.Text.RegularExpressions;
using Formation.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>
/// A learner enrols in a free demo MOOC, plays both AUs of the sample cmi5 course in the browser (the real
/// @rusticisoftware/cmi5 runtime talking to the portal's LRS from its sandbox), passes the quiz, sees the training
/// completed, downloads the certificate and verifies its code.
/// </summary>
public sealed partial class LearningCmi5Tests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    [GeneratedRegex("/mes-formations/[0-9a-f-]{36}$")]
    private static partial Regex EnrolmentPage();

    [Fact]
    public Task A_learner_plays_the_cmi5_course_passes_the_quiz_and_verifies_the_certificate() => InPageAsync("learning-cmi5", async page =>
    {
        var portal = Portals.Plateforme;
        page.Console += (_, message) => Output.WriteLine($"[console] {message.Text}");
        await page.GotoAsync(Fixture.Url(portal, "/connexion"));
        await page.Locator("#Input_Email").FillAsync("apprenant@plateforme.formation.test");
        await page.Locator("#Input_Password").FillAsync(Portals.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Camille Apprenant");

        await page.GotoAsync(Fixture.Url(portal, "/formations/fondamentaux-protection-enfance"));
        await page.GetByRole(AriaRole.Button, new() { Name = "S'inscrire gratuitement" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(EnrolmentPage());
        var enrolmentUrl = page.Url;

        // The lesson: moveOn Completed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Commencer", Exact = true }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/contenus/[0-9a-f-]{36}/lesson/index.html\\?endpoint="));
        var done = page.GetByRole(AriaRole.Button, new() { Name = "J'ai terminé la leçon" });
        await Expect(done).ToBeEnabledAsync();
        await done.ClickAsync();
        await Expect(page).ToHaveURLAsync(enrolmentUrl);

        // The quiz: moveOn Passed, masteryScore 0.7; three right answers.
        await page.GetByRole(AriaRole.Button, new() { Name = "Reprendre", Exact = true }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/quiz/index.html\\?endpoint="));
        var submit = page.GetByRole(AriaRole.Button, new() { Name = "Valider mes réponses" });
        await Expect(submit).ToBeEnabledAsync();
        await page.GetByLabel("Je les note tels quels, entre guillemets").CheckAsync();
        await page.GetByLabel("À la CRIP du Département").CheckAsync();
        await page.GetByLabel("En parler à son encadrement").CheckAsync();
        await submit.ClickAsync();
        await Expect(page).ToHaveURLAsync(enrolmentUrl);

        // moveOn is evaluated as the statements arrive: the page shows the completion once it is recorded.
        var completed = page.GetByText("Formation terminée");
        for (var attempt = 0; attempt < 40 && !await completed.IsVisibleAsync(); attempt++)
        {
            await page.WaitForTimeoutAsync(250);
            await page.ReloadAsync();
        }
        await Expect(completed).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#certificat").ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        var code = Regex.Match(download.SuggestedFilename, "certificat-([A-Z0-9]{12})\\.pdf").Groups[1].Value;
        Assert.Equal(12, code.Length);

        await page.GotoAsync(Fixture.Url(portal, "/mes-formations"));
        await Expect(page.Locator("table")).ToContainTextAsync("Terminée");
        await Expect(page.Locator("table")).ToContainTextAsync("2 / 2");

        var visitor = await page.Context.Browser!.NewContextAsync();
        var anonymous = await visitor.NewPageAsync();
        await anonymous.GotoAsync(Fixture.Url(portal, $"/verify/{code}"));
        await Expect(anonymous.Locator("body")).ToContainTextAsync("Certificat authentique");
        await Expect(anonymous.Locator("#certificat")).ToContainTextAsync("Camille Apprenant");
        await Expect(anonymous.Locator("#certificat")).ToContainTextAsync("Action de formation");
        await visitor.CloseAsync();
    });
}
