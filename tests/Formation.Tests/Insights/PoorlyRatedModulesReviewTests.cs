using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Formation.Catalog;
using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Insights;
using Formation.Insights.Data;
using Formation.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Insights;

/// <summary>Who followed which module, as the learning side would answer.</summary>
public sealed class FollowedModules : IModuleRatingEligibility
{
    public ConcurrentDictionary<(string, Guid), bool> Followed { get; } = new();
    public Task<bool> MayRateAsync(string userId, Guid moduleId, CancellationToken ct = default) => Task.FromResult(Followed.ContainsKey((userId, moduleId)));
}

/// <summary>Needs watch, last part: learners rate the modules they followed; the poorly rated ones reach the portal's admins, with a CSV.</summary>
[Trait("Category", "Integration")]
public sealed class PoorlyRatedModulesReviewTests : IAsyncLifetime
{
    private static readonly string[] Features = ["Formation.Catalog", "Formation.Search", "Formation.Insights"];
    private static readonly string[] Learners = ["apprenant-1", "apprenant-2", "apprenant-3", "apprenant-4"];
    private readonly FollowedModules _followed = new();
    private readonly TestPortal _portal = new("avis");
    private readonly TestPortal _other = new("avis-autre");
    private FormationFactory _factory = null!;
    private readonly Dictionary<string, string> _ids = new();
    private Guid _module;

    public async Task InitializeAsync()
    {
        _factory = new FormationFactory { TestServices = s => s.AddSingleton<IModuleRatingEligibility>(_followed) };
        var recipe = _portal.Recipe(features: Features);
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "users", tenant = _portal.Id,
            users = Learners.Select(l => new { email = _portal.Email(l), displayName = l, password = TestPortal.Password, roles = new[] { "learner" } }).ToArray(),
        }));
        await _factory.RunRecipeAsync(recipe);
        await _factory.RunRecipeAsync(_other.Recipe(features: Features));
        _module = await _factory.InTenantAsync(_portal.Id, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<FormationUser>>();
            foreach (var who in Learners) _ids[who] = (await users.FindByEmailAsync(_portal.Email(who)))!.Id;
            var institute = (await sp.GetRequiredService<OrganisationDirectory>().ListAsync()).Single(o => o.Kind == OrganisationKind.TrainingInstitute).Id;
            var authoring = sp.GetRequiredService<CatalogAuthoring>();
            var module = await authoring.CreateAsync(new CreateModule("module-decevant", institute, new ModuleContent
            {
                Title = "Module décevant sur les écrits professionnels", Summary = "Un module à revoir.", DescriptionMarkdown = "Texte.",
                Objectives = ["Écrire un rapport"], Themes = ["fondamentaux-ase"], DurationHours = 2, AccessibilityInfo = "Sous-titres.",
            }), null);
            await authoring.PublishAsync(module.Id);
            return module.Id;
        });
        foreach (var who in Learners.Take(3)) _followed.Followed[(_ids[who], _module)] = true;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpClient> SignedInAsync(TestPortal portal, string who)
    {
        var client = _factory.ClientFor(portal.Host);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(portal.Email(who), TestPortal.Password)).StatusCode);
        return client;
    }

    private Task<HttpResponseMessage> RateAsync(HttpClient client, string stars, string comment) =>
        client.SubmitAsync($"/formations/avis/{_module}", new Dictionary<string, string> { ["Stars"] = stars, ["Comment"] = comment });

    [Fact]
    public async Task Learners_who_followed_a_module_rate_it_and_a_poor_average_reaches_the_needs_watch()
    {
        // Only learners who followed the module may rate it; a note out of range is refused in French; nothing is stored.
        var stranger = await SignedInAsync(_portal, "apprenant-4");
        var refused = await RateAsync(stranger, "1", "Jamais suivi.");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("après l'avoir suivi", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        var first = await SignedInAsync(_portal, "apprenant-1");
        var outOfRange = await RateAsync(first, "0", "");
        Assert.Contains("Choisissez une note de 1 à 5 étoiles.", WebUtility.HtmlDecode(await outOfRange.Content.ReadAsStringAsync()));
        Assert.Equal(0, await _factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<InsightsDbContext>().Ratings.CountAsync()));

        // Two ratings: not enough to call it poorly rated.
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(first, "4", "")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(first, "2", "=HYPERLINK(\"x\") Trop théorique.")).StatusCode); // a learner changes their mind
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(await SignedInAsync(_portal, "apprenant-2"), "2", "Exemples datés.")).StatusCode);
        var admin = await SignedInAsync(_portal, "tenant-admin");
        Assert.Contains("Aucun module mal noté", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/besoins")));

        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(await SignedInAsync(_portal, "apprenant-3"), "3", "")).StatusCode);
        var dashboard = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/besoins"));
        Assert.Contains("Module décevant sur les écrits professionnels", dashboard);
        Assert.Contains("Exemples datés.", dashboard);
        Assert.Equal(3, await _factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<InsightsDbContext>().Ratings.CountAsync()));

        var csv = await admin.GetAsync("/admin/besoins?handler=CsvAvis");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains("Module décevant sur les écrits professionnels;2,3;3;", text);
        Assert.DoesNotContain(";=", text); // no cell starts with a formula

        // Another portal's admins see nothing of it; learners cannot open the admin export.
        var otherAdmin = await SignedInAsync(_other, "tenant-admin");
        Assert.DoesNotContain("Module décevant", WebUtility.HtmlDecode(await otherAdmin.GetStringAsync("/admin/besoins")));
        Assert.NotEqual(HttpStatusCode.OK, (await first.GetAsync("/admin/besoins?handler=CsvAvis")).StatusCode);
    }
}
