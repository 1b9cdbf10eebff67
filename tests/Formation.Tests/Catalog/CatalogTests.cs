using System.Net;
using System.Text.Json;
using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Events;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Catalog;

/// <summary>The shared catalogue on the platform, a portal that curates it, drafts, versions and prices.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class CatalogTests(FormationFactory factory) : IAsyncLifetime
{
    private static readonly string[] Features = ["Formation.Catalog", "Formation.Identity.Registration"];
    private readonly TestPortal _portal = new("catalogue");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private string Slug(string name) => $"{name}-{_suffix}";

    public async Task InitializeAsync()
    {
        await factory.EnsurePlatformAsync();
        await factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "catalogue-" + _suffix,
            Steps =
            [
                TestPortal.Step(new { name = "features", tenant = TenantInfo.PlatformId, enable = Features }),
                TestPortal.Step(new
                {
                    name = "organisations", tenant = TenantInfo.PlatformId,
                    organisations = new[] { new { key = "ifs-" + _suffix, kind = "TrainingInstitute", name = "Institut " + _suffix, siret = TestSiret.Next(), activityDeclarationNumber = "11755555575", qualiopi = true, vatExempt = true } },
                }),
                TestPortal.Step(new
                {
                    name = "modules", tenant = TenantInfo.PlatformId,
                    modules = new object[]
                    {
                        Module(Slug("attachement"), "Comprendre l'attachement", ["attachement"], "Mooc", 0),
                        Module(Slug("violences"), "L'éducateur face aux violences", ["violences-ip"], "Accompanied", 450),
                        Module(Slug("management"), "Encadrer une équipe éducative", ["management"], "Accompanied", 600),
                        Module(Slug("brouillon"), "Un brouillon invisible", ["attachement"], "Mooc", 0, publish: false),
                    },
                }),
            ],
        });
        await factory.RunRecipeAsync(_portal.Recipe(features: Features));
        await factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "curation-" + _suffix,
            Steps = [TestPortal.Step(new { name = "curation", tenant = _portal.Id, mode = "Rules", themes = new[] { "attachement", "violences-ip" } })],
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private object Module(string slug, string title, string[] themes, string format, decimal price, bool publish = true) => new
    {
        slug, publisher = "ifs-" + _suffix, title, summary = "Résumé de " + title, description = "Une **description** <script>alert(1)</script> avec [un lien](javascript:alert(1)).",
        objectives = new[] { "Comprendre", "Agir" }, outline = new[] { "Séquence 1", "Séquence 2" }, professions = new[] { "educateur-specialise" }, themes, format,
        durationHours = 3.5m, prices = new { individual = price, employerSeat = price == 0 ? 0 : price - 50, instituteLicence = price == 0 ? 0 : price * 10 },
        sessions = format == "Mooc" ? Array.Empty<object>() : [new { start = "2027-01-11", end = "2027-02-19", capacity = 20, tutor = "Léa Martin" }],
        publish,
    };

    [Fact]
    public async Task Anonymous_visitors_get_the_catalogue_home_from_the_page_cache_until_the_curation_changes()
    {
        var anonymous = factory.ClientFor(_portal.Host);
        // Other tests publish modules meanwhile, and every index publication rightly empties the page cache: a pair of
        // requests may straddle one. Several tries, so the test speaks of the cache and not of its neighbours.
        HttpResponseMessage first = null!, second = null!;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            first = await anonymous.GetAsync("/formations");
            second = await anonymous.GetAsync("/formations");
            if (second.Headers.Age is not null) break;
        }
        Assert.NotNull(second.Headers.Age); // served from the output cache
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Encadrer une équipe éducative", await second.Content.ReadAsStringAsync());

        // Credentials are never answered from the cache.
        var withCredentials = factory.ClientFor(_portal.Host);
        withCredentials.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "eDp5");
        Assert.Null((await withCredentials.GetAsync("/formations")).Headers.Age);

        // A new selection shows at once.
        await factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "curation-management-" + _suffix,
            Steps = [TestPortal.Step(new { name = "curation", tenant = _portal.Id, mode = "Rules", themes = new[] { "management" } })],
        });
        var after = await anonymous.GetAsync("/formations");
        Assert.Null(after.Headers.Age);
        Assert.Contains("Encadrer une équipe éducative", System.Net.WebUtility.HtmlDecode(await after.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_shared_module_shows_on_the_platform_and_on_portals_whose_selection_includes_it()
    {
        var onPlatform = await factory.ClientFor("localhost").GetStringAsync($"/formations/{Slug("violences")}");
        Assert.Contains("L&#x27;éducateur face aux violences", onPlatform);
        var onPortal = await factory.ClientFor(_portal.Host).GetAsync($"/formations/{Slug("violences")}");
        Assert.Equal(HttpStatusCode.OK, onPortal.StatusCode);
    }

    [Fact]
    public async Task A_module_left_out_by_the_selection_never_appears_on_that_portal()
    {
        var client = factory.ClientFor(_portal.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/formations/{Slug("management")}")).StatusCode);
        Assert.DoesNotContain("Encadrer une équipe éducative", await client.GetStringAsync("/formations"));
        var id = await ModuleIdAsync(Slug("management"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/modules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientFor("localhost").GetAsync($"/api/modules/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_catalogue_home_counts_what_the_portal_shows()
    {
        var client = factory.ClientFor(_portal.Host);
        string html = "";
        // Wait for this test's own modules (earlier tests published others with the same titles): the index follows the outbox.
        for (var attempt = 0; attempt < 50 && !(html.Contains($"/formations/{Slug("attachement")}") && html.Contains($"/formations/{Slug("violences")}")); attempt++)
        {
            html = await client.GetStringAsync("/formations");
            await Task.Delay(100);
        }
        Assert.Contains("Comprendre l&#x27;attachement", html);              // newest, from the index
        Assert.Contains("L&#x27;éducateur face aux violences", html);
        Assert.DoesNotContain("Encadrer une équipe éducative", html);         // left out by the portal's rules
        Assert.Contains("/recherche?theme=violences-ip", html);
        Assert.DoesNotContain("/recherche?theme=management", html);
    }

    [Fact]
    public async Task A_draft_is_invisible_to_learners_but_previewed_by_its_publisher()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor("localhost").GetAsync($"/formations/{Slug("brouillon")}")).StatusCode);
        Assert.DoesNotContain("Un brouillon invisible", await factory.ClientFor("localhost").GetStringAsync("/formations"));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor("localhost").GetAsync($"/api/modules/{await ModuleIdAsync(Slug("brouillon"))}")).StatusCode);
    }

    [Fact]
    public async Task Descriptions_are_sanitised()
    {
        var page = await factory.ClientFor("localhost").GetStringAsync($"/formations/{Slug("attachement")}");
        Assert.Contains("<strong>description</strong>", page);
        Assert.DoesNotContain("<script>alert(1)</script>", page);
        Assert.DoesNotContain("javascript:alert", page);
    }

    [Fact]
    public async Task Each_buyer_sees_their_own_price()
    {
        var anonymous = await factory.ClientFor(_portal.Host).GetStringAsync($"/formations/{Slug("violences")}");
        Assert.Contains("<h2 class=\"fr-callout__title\">450 €</h2>", anonymous);
        var employer = factory.ClientFor(_portal.Host);
        await employer.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var page = await employer.GetStringAsync($"/formations/{Slug("violences")}");
        Assert.Contains("<h2 class=\"fr-callout__title\">400 €</h2>", page);
        Assert.Contains("Tarif employeur, par place", page);
        Assert.Contains("Acheter des places", page);
    }

    [Fact]
    public async Task A_new_version_replaces_the_published_one_atomically_and_every_version_is_kept()
    {
        var id = await ModuleIdAsync(Slug("attachement"));
        await factory.InTenantAsync(TenantInfo.PlatformId, async sp =>
        {
            var authoring = sp.GetRequiredService<CatalogAuthoring>();
            var module = await authoring.FindOwnAsync(id, null);
            await authoring.SaveDraftAsync(id, module!.Published!.Content with { Title = "Comprendre l'attachement, version 2" }, null, null);
            return true;
        });
        var client = factory.ClientFor("localhost");
        var whileDrafting = await client.GetStringAsync($"/formations/{Slug("attachement")}");
        Assert.DoesNotContain("version 2", whileDrafting);

        await factory.InTenantAsync(TenantInfo.PlatformId, async sp => { await sp.GetRequiredService<CatalogAuthoring>().PublishAsync(id); return true; });
        Assert.Contains("version 2", await client.GetStringAsync($"/formations/{Slug("attachement")}"));

        var states = await factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<CatalogDbContext>().Versions
            .Where(v => v.ModuleId == id).OrderBy(v => v.Number).Select(v => v.State).ToListAsync());
        Assert.Equal([VersionState.Superseded, VersionState.Published], states);
    }

    [Fact]
    public async Task Publication_is_announced_through_the_outbox()
    {
        var id = await ModuleIdAsync(Slug("violences"));
        var type = EventTypes.NameOf(typeof(ModulePublished));
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var messages = await factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<ShellDbContext>().Outbox.AsNoTracking().Where(m => m.Type == type).ToListAsync());
            var mine = messages.Where(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("moduleId").GetGuid() == id).ToList();
            Assert.NotEmpty(mine);
            if (mine.All(m => m.ProcessedUtc is not null)) return;
            await Task.Delay(100);
        }
        Assert.Fail("The ModulePublished message was not dispatched within 5 s.");
    }

    [Theory]
    [InlineData("Mooc", 10, false, "Un MOOC est gratuit")]
    [InlineData("Accompanied", 300, true, "L'éligibilité au CPF suppose une certification")]
    public async Task Inconsistent_content_is_refused(string format, decimal price, bool cpf, string message)
    {
        var recipe = new RecipeDocument
        {
            Name = "invalide",
            Steps =
            [
                TestPortal.Step(new
                {
                    name = "modules", tenant = _portal.Id,
                    modules = new[] { new { slug = "invalide-" + _suffix, publisher = "organisme", title = "Invalide", summary = "x", description = "x", themes = new[] { "attachement" }, format, durationHours = 2, cpfEligible = cpf, prices = new { individual = price, employerSeat = 0, instituteLicence = 0 } } },
                }),
            ],
        };
        // The publisher key only exists within the recipe that created it: reuse the portal recipe's organisations step.
        recipe.Steps.Insert(0, _portal.Recipe().Steps.Single(s => s["name"]!.GetValue<string>() == "organisations").DeepClone().AsObject());
        recipe.Steps[0]["organisations"]!.AsArray().ToList().ForEach(o => o!["siret"] = TestSiret.Next());
        var ex = await Assert.ThrowsAsync<RecipeException>(() => factory.RunRecipeAsync(recipe));
        Assert.Contains(message, ex.Message);
        Assert.StartsWith("modules[0]", ex.Field);
    }

    private Task<Guid> ModuleIdAsync(string slug) =>
        factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<CatalogDbContext>().Modules.Where(m => m.Slug == slug).Select(m => m.Id).SingleAsync());
}
