using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Integration;

[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class RecipeTests(FormationFactory factory)
{
    private async Task<IReadOnlyList<TenantInfo>> TenantsAsync()
    {
        var directory = factory.Services.GetRequiredService<ITenantDirectory>();
        directory.Invalidate();
        return await directory.GetAllAsync();
    }

    [Fact]
    public async Task A_failing_step_rolls_the_whole_recipe_back()
    {
        var portal = new TestPortal("rollback");
        var recipe = portal.Recipe();
        // Break the last step (users): an unknown role.
        recipe.Steps[^1] = TestPortal.Step(new { name = "users", tenant = portal.Id, users = new[] { new { email = "x@y.test", displayName = "X", password = TestPortal.Password, roles = new[] { "pirate" } } } });

        var ex = await Assert.ThrowsAsync<RecipeException>(() => factory.RunRecipeAsync(recipe));
        Assert.Equal(6, ex.StepNumber);
        Assert.Equal("users", ex.StepName);
        Assert.Equal("users[0].roles", ex.Field);
        Assert.Contains("étape 6 « users », champ « users[0].roles »", ex.Message);
        Assert.Contains("Rien n'a été enregistré", ex.Message);

        Assert.DoesNotContain(await TenantsAsync(), t => t.Id == portal.Id);

        // The same recipe, fixed, applies cleanly afterwards: nothing half-written remains in the way.
        await factory.RunRecipeAsync(portal.Recipe());
        Assert.Contains(await TenantsAsync(), t => t.Id == portal.Id);
    }

    [Theory]
    [InlineData("""{"name":"tenants","tenants":[{"id":"ok-1","name":"A","hosts":["a.localhost"],"colour":"red"}]}""", "tenants[0].colour")]
    [InlineData("""{"name":"tenants","tenants":[{"id":"ok-2","name":"A","hosts":"a.localhost"}]}""", "tenants[0].hosts")]
    [InlineData("""{"name":"tenants","tenants":[{"id":"Pas Valide","name":"A","hosts":["a.localhost"]}]}""", "tenants[0].id")]
    [InlineData("""{"name":"tenants","tenants":[{"id":"ok-3","name":"A","hosts":["a.localhost:80/x"]}]}""", "tenants[0].hosts")]
    [InlineData("""{"name":"tenants","tenants":[]}""", "tenants")]
    [InlineData("""{"name":"settings","tenant":"absent","brand":{"siteTitle":"x","primaryColor":"#000091"}}""", "tenant")]
    [InlineData("""{"name":"nope"}""", "name")]
    public async Task A_bad_step_is_refused_with_its_field(string stepJson, string field)
    {
        var recipe = new RecipeDocument { Name = "bad", Steps = [System.Text.Json.Nodes.JsonNode.Parse(stepJson)!.AsObject()] };
        var ex = await Assert.ThrowsAsync<RecipeException>(() => factory.RunRecipeAsync(recipe));
        Assert.Equal(1, ex.StepNumber);
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task A_too_light_brand_colour_is_refused_in_a_recipe()
    {
        var portal = new TestPortal("couleur");
        var recipe = portal.Recipe();
        recipe.Steps[2] = TestPortal.Step(new { name = "settings", tenant = portal.Id, brand = new { siteTitle = "Clair", primaryColor = "#ffee00" } });
        var ex = await Assert.ThrowsAsync<RecipeException>(() => factory.RunRecipeAsync(recipe));
        Assert.Equal("brand.primaryColor", ex.Field);
        Assert.Contains("contraste", ex.Message);
    }

    [Fact]
    public async Task The_demo_recipe_is_valid_and_builds_three_portals()
    {
        await using var demo = new FormationFactory();
        demo.Settings["App:SetupRecipe"] = "demo";   // what a first start on an empty data path does
        demo.Settings["App:RecipesPath"] = TestPaths.RecipesFolder;
        var tenants = await demo.Services.GetRequiredService<ITenantDirectory>().GetAllAsync();
        Assert.Equal(["departement", "federation", "plateforme"], tenants.Select(t => t.Id).Order());
        Assert.Equal("horizon", tenants.Single(t => t.Id == "federation").ThemeId);
        Assert.Equal("Former en protection de l'enfance", tenants.Single(t => t.Id == "departement").Brand.SiteTitle);
        var home = await demo.ClientFor("departement.localhost").GetStringAsync("/");
        Assert.Contains("Former en protection de l'enfance", System.Net.WebUtility.HtmlDecode(home));
    }
}
