using System.Text.Json;
using Formation.Catalog;
using Formation.Catalog.Data;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Catalog;

/// <summary>The real catalogue feeding the real index: publication and retirement reach search through the outbox.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class CatalogSearchIntegrationTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("indexation");
    private readonly string _word = "zorglub" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        var recipe = _portal.Recipe(features: ["Formation.Catalog", "Formation.Search"]);
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "modules", tenant = _portal.Id,
            modules = new[] { new { slug = "module-" + _word, publisher = "organisme", title = $"Accueillir l'enfant {_word}", summary = "Un module de test.", description = "Texte.", themes = new[] { "attachement" }, durationHours = 2 } },
        }));
        await factory.RunRecipeAsync(recipe);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<int> HitsAsync()
    {
        var json = await factory.ClientFor(_portal.Host).GetStringAsync($"/api/search?q={_word}");
        return JsonDocument.Parse(json).RootElement.GetProperty("total").GetInt32();
    }

    private async Task<bool> EventuallyAsync(Func<int, bool> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (condition(await HitsAsync())) return true;
            await Task.Delay(50);
        }
        return false;
    }

    [Fact]
    public async Task Publication_and_retirement_reach_the_index()
    {
        Assert.True(await EventuallyAsync(n => n == 1), "The published module never appeared in search.");

        var id = await factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<CatalogDbContext>().Modules.Where(m => m.Slug == "module-" + _word).Select(m => m.Id).SingleAsync());
        await factory.InTenantAsync(_portal.Id, async sp => { await sp.GetRequiredService<CatalogAuthoring>().RetireAsync(id); return true; });
        Assert.True(await EventuallyAsync(n => n == 0), "The retired module stayed in search.");

        var hits = await factory.ClientFor("inconnu.localhost").GetAsync($"/api/search?q={_word}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, hits.StatusCode);
    }
}
