using System.Net;
using Formation.NationalCatalog;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Formation.Tests.NationalCatalog.NationalCatalogueFiles;

namespace Formation.Tests.NationalCatalog;

/// <summary>ASE relevance rules (issue 7, point 3): operators preview what a change adds and removes, then apply it.</summary>
[Collection(NationalCatalogueCollection.Name), Trait("Category", "Integration")]
public sealed class NationalRelevanceRulesTests(NationalCatalogueHost host)
{
    [Fact]
    public void Rules_are_checked_with_french_messages()
    {
        var error = Assert.Throws<Formation.Shell.Validation.ValidationFailedException>(() => RelevanceRules.Parse("RNCP37676\nABC", "33", "4403", ""));
        Assert.Contains(error.Errors["Certifications"], m => m.Contains("« ABC » n'est pas un code de certification"));
        Assert.Contains(error.Errors["Nsf"], m => m.Contains("NSF"));
        Assert.Contains(error.Errors["Formacodes"], m => m.Contains("Formacode"));
        var rules = RelevanceRules.Parse("rncp 37676", "332", "44032", "Protection de l’enfance");
        Assert.True(rules.Compile().IsRelevant(null, null, null, null, "Sensibilisation à la PROTECTION DE L'ENFANCE", null));
        Assert.True(rules.Compile().IsRelevant("37676", null, null, null, "x", null));
        Assert.False(rules.Compile().IsRelevant("37675", "37676", "70322", "326", "Tableur", null));
    }

    [Fact]
    public async Task An_operator_previews_then_applies_a_rule_change_and_the_api_follows()
    {
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees, ChildProtection, Spreadsheet]), bom: false))).ExitCode);
        await host.Factory.EnsurePlatformAsync();
        await host.Factory.RunRecipeAsync(new RecipeDocument { Name = "national-plateforme", Steps = [TestPortal.Step(new { name = "features", tenant = TenantInfo.PlatformId, enable = NationalCatalogueHost.Features })] });
        var operatorClient = host.Factory.ClientFor("localhost");
        Assert.Equal(HttpStatusCode.Redirect, (await operatorClient.LogInAsync("operateur@plateforme.test", TestPortal.Password)).StatusCode);

        var admin = WebUtility.HtmlDecode(await operatorClient.GetStringAsync("/plateforme/catalogue-national"));
        Assert.Contains("Rapports de synchronisation", admin);
        Assert.Contains("Réussie", admin);

        var rules = await host.Factory.Services.CreateAsyncScope().ServiceProvider.GetRequiredService<RelevanceRuleStore>().GetAsync();
        var fields = new Dictionary<string, string>
        {
            // Drop the Formacodes (the Corsican training is relevant by 44032 only) and add NSF 326 (office software).
            ["Certifications"] = string.Join("\n", rules.CertificationCodes), ["Nsf"] = "332\n326", ["Formacodes"] = "", ["Keywords"] = string.Join("\n", rules.Keywords),
        };
        var preview = await operatorClient.SubmitAsync("/plateforme/catalogue-national/regles", fields, "/plateforme/catalogue-national/regles?handler=Preview");
        var previewPage = WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        Assert.Contains("Aperçu du changement", previewPage);
        var added = previewPage.IndexOf("Formations ajoutées", StringComparison.Ordinal);
        var removed = previewPage.IndexOf("Formations retirées", StringComparison.Ordinal);
        Assert.True(added > 0 && removed > added, "The preview lists what is added, then what is removed.");
        Assert.InRange(previewPage.IndexOf(Spreadsheet.Title, StringComparison.Ordinal), added, removed);
        Assert.True(previewPage.IndexOf(ChildProtection.Title, StringComparison.Ordinal) > removed);
        // A preview changes nothing.
        var client = host.Factory.ClientFor(host.Portal.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/national-catalogue/" + Spreadsheet.Numero)).StatusCode);

        var applied = await operatorClient.SubmitAsync("/plateforme/catalogue-national/regles", fields, "/plateforme/catalogue-national/regles?handler=Apply");
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/national-catalogue/" + Spreadsheet.Numero)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/national-catalogue/" + ChildProtection.Numero)).StatusCode);

        // Back to the default rules for the other tests.
        await using var scope = host.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RelevanceRuleStore>().ApplyAsync(RelevanceRules.Default, "test");

        var bad = await operatorClient.SubmitAsync("/plateforme/catalogue-national/regles", new Dictionary<string, string> { ["Certifications"] = "", ["Nsf"] = "", ["Formacodes"] = "", ["Keywords"] = "" },
            "/plateforme/catalogue-national/regles?handler=Apply");
        Assert.Contains("Indiquez au moins une règle", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));

        var learner = host.Factory.ClientFor(host.Portal.Host);
        await learner.LogInAsync(host.Portal.Email("tenant-admin"), TestPortal.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await learner.GetAsync("/plateforme/catalogue-national")).StatusCode);
    }
}
