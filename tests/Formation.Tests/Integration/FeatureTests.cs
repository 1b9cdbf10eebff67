using System.Net;
using Formation.Tenants;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Integration;

/// <summary>A feature switched off for a portal takes its routes and menu entries with it, on that portal only.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class FeatureTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _open = new("ouvert");
    private readonly TestPortal _closed = new("ferme");

    public async Task InitializeAsync()
    {
        await factory.RunRecipeAsync(_open.Recipe(features: ["Formation.Identity.Registration"]));
        await factory.RunRecipeAsync(_closed.Recipe(features: []));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Registration_exists_only_where_it_is_enabled()
    {
        var open = factory.ClientFor(_open.Host);
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/inscription")).StatusCode);
        Assert.Contains("href=\"/inscription\"", await open.GetStringAsync("/"));

        var closed = factory.ClientFor(_closed.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await closed.GetAsync("/inscription")).StatusCode);
        var post = await closed.PostAsync("/inscription", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "a@b.test" }));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.DoesNotContain("href=\"/inscription\"", await closed.GetStringAsync("/"));
    }

    [Fact]
    public async Task Switching_a_feature_on_takes_effect_at_once()
    {
        var portal = new TestPortal("bascule");
        await factory.RunRecipeAsync(portal.Recipe(features: []));
        var client = factory.ClientFor(portal.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/inscription")).StatusCode);

        await factory.InTenantAsync(portal.Id, async sp =>
        {
            await sp.GetRequiredService<TenantAdministration>().SetFeaturesAsync(portal.Id, ["Formation.Identity.Registration"]);
            return true;
        });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/inscription")).StatusCode);
    }

    [Fact]
    public async Task Single_sign_on_routes_are_gone_while_the_feature_is_off()
    {
        var client = factory.ClientFor(_open.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/connexion-externe/retour")).StatusCode);
    }
}
