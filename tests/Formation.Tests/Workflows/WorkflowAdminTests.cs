using System.Net;
using System.Text.Json.Nodes;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Workflows;

/// <summary>Definitions come from recipes and from the platform operators' editor, which validates and saves new versions.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class WorkflowAdminTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly string _id = "circuit-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await factory.EnsurePlatformAsync();
        await factory.RunRecipeAsync(Recipe(Definition(_id)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Definition(string id, string reviewLabel = "En relecture") => JsonNode.Parse($$"""
        {
          "id": "{{id}}",
          "name": "Circuit {{id}}",
          "description": "Un circuit de relecture.",
          "initialState": "draft",
          "states": [
            { "id": "draft", "label": "Brouillon" },
            { "id": "review", "label": "{{reviewLabel}}",
              "task": { "title": "Relire", "role": "reviewer", "dueIn": 10, "remindersBefore": ["P2D"], "outcomes": ["reject", "approve"] } },
            { "id": "approved", "label": "Approuvé", "terminal": true },
            { "id": "rejected", "label": "Refusé", "terminal": true }
          ],
          "transitions": [
            { "from": "draft", "trigger": "submit", "to": "review", "label": "Soumettre", "roles": ["institute-publisher"] },
            { "from": "review", "trigger": "approve", "to": "approved", "label": "Approuver" },
            { "from": "review", "trigger": "reject", "to": "rejected", "label": "Refuser" }
          ]
        }
        """)!.AsObject();

    private static RecipeDocument Recipe(params JsonObject[] definitions) => new()
    {
        Name = "workflows-" + Guid.NewGuid().ToString("N")[..6],
        Steps = [TestPortal.Step(new { name = "workflows", definitions })],
    };

    private Task<IReadOnlyList<WorkflowDefinitionVersionInfo>> VersionsAsync() =>
        factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<IWorkflowDefinitions>().VersionsAsync(_id));

    private async Task<HttpClient> OperatorAsync()
    {
        var client = factory.ClientFor("localhost");
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync("operateur@plateforme.test", TestPortal.Password)).StatusCode);
        return client;
    }

    [Fact]
    public async Task The_recipe_step_saves_a_version_once_and_a_changed_definition_as_the_next()
    {
        await factory.RunRecipeAsync(Recipe(Definition(_id)));
        Assert.Equal([1], (await VersionsAsync()).Select(v => v.Version));
        await factory.RunRecipeAsync(Recipe(Definition(_id, "Relecture par les pairs")));
        Assert.Equal([2, 1], (await VersionsAsync()).Select(v => v.Version));
        var latest = await factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<IWorkflowDefinitions>().GetAsync(_id));
        Assert.Equal(("Relecture par les pairs", "P10D"), (latest!.State("review")!.Label, latest.State("review")!.Task!.DueIn));
    }

    [Fact]
    public async Task An_invalid_definition_in_a_recipe_names_the_step_and_the_field_and_saves_nothing()
    {
        var broken = Definition("casse-" + Guid.NewGuid().ToString("N")[..6]);
        broken["transitions"]![1]!["to"] = "publie";
        var ex = await Assert.ThrowsAsync<RecipeException>(() => factory.RunRecipeAsync(Recipe(broken)));
        Assert.Equal("definitions[0].transitions[1].to", ex.Field);
        Assert.Contains("étape 1 « workflows »", ex.Message);
        Assert.Contains("La transition n°2 (« approve ») mène à un état inconnu « publie ».", ex.Message);
        var list = await factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<IWorkflowDefinitions>().ListAsync());
        Assert.DoesNotContain(list, d => d.Id == broken["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Operators_see_the_definitions_and_a_mermaid_diagram_with_its_text()
    {
        var client = await OperatorAsync();
        var list = await client.GetStringAsync("/plateforme/workflows");
        Assert.Contains($"href=\"/plateforme/workflows/{_id}\"", list);
        Assert.Contains($"Circuit {_id}", list);

        var detail = await client.GetStringAsync($"/plateforme/workflows/{_id}");
        Assert.Contains("<pre class=\"mermaid\" aria-hidden=\"true\">stateDiagram-v2", detail);
        Assert.Contains("s0 --> s1 : Soumettre, par Éditeur·rice d'organisme de formation", WebUtility.HtmlDecode(detail));
        Assert.Contains("<pre id=\"source-mermaid\">stateDiagram-v2", detail);
        Assert.Contains("<script src=\"/workflows/mermaid.min.js\"></script>", detail);
        Assert.Contains("Relances 2 jours avant", detail);
        var script = await client.GetAsync("/workflows/mermaid.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task The_editor_lists_french_errors_and_saves_nothing_until_the_definition_is_valid()
    {
        var client = await OperatorAsync();
        var broken = Definition(_id);
        broken["initialState"] = "ebauche";
        broken["transitions"]![0]!["roles"] = new JsonArray("editeur");
        var refused = await client.SubmitAsync($"/plateforme/workflows/edition/{_id}", new Dictionary<string, string> { ["Json"] = broken.ToJsonString() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Le formulaire contient des erreurs", html);
        Assert.Contains("L'état initial « ebauche » n'est pas un état déclaré.", html);
        Assert.Contains("La transition n°1 (« submit ») autorise un rôle inconnu « editeur ».", html);
        Assert.Contains("aria-invalid=\"true\"", html);

        var syntax = await client.SubmitAsync($"/plateforme/workflows/edition/{_id}", new Dictionary<string, string> { ["Json"] = "{ \"id\": " });
        Assert.Contains("Définition illisible (ligne 1)", WebUtility.HtmlDecode(await syntax.Content.ReadAsStringAsync()));
        Assert.Equal([1], (await VersionsAsync()).Select(v => v.Version));

        var edited = Definition(_id, "Relecture experte");
        edited["version"] = 1;
        var saved = await client.SubmitAsync($"/plateforme/workflows/edition/{_id}", new Dictionary<string, string> { ["Json"] = edited.ToJsonString() });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/plateforme/workflows/{_id}", saved.Headers.Location?.OriginalString);
        Assert.Equal([2, 1], (await VersionsAsync()).Select(v => v.Version));
        var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/plateforme/workflows/{_id}"));
        Assert.Contains("Version 2 enregistrée", page);
        Assert.Contains("Relecture experte", page);
        Assert.Contains("Ancienne version", WebUtility.HtmlDecode(await client.GetStringAsync($"/plateforme/workflows/{_id}?version=1")));

        // Someone who started from version 1 meanwhile is told, and saves nothing.
        var stale = Definition(_id, "Autre libellé");
        stale["version"] = 1;
        var conflict = await client.SubmitAsync($"/plateforme/workflows/edition/{_id}", new Dictionary<string, string> { ["Json"] = stale.ToJsonString() });
        Assert.Contains("la version 2 a été enregistrée entre-temps", WebUtility.HtmlDecode(await conflict.Content.ReadAsStringAsync()));
        Assert.Equal([2, 1], (await VersionsAsync()).Select(v => v.Version));
    }

    [Fact]
    public async Task Only_platform_operators_reach_the_workflow_pages()
    {
        var anonymous = await factory.ClientFor("localhost").GetAsync("/plateforme/workflows");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/connexion", anonymous.Headers.Location?.OriginalString);

        var portal = new TestPortal("workflows");
        await factory.RunRecipeAsync(portal.Recipe());
        var admin = factory.ClientFor(portal.Host);
        await admin.LogInAsync(portal.Email("tenant-admin"), TestPortal.Password);
        var refused = await admin.GetAsync("/plateforme/workflows");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/acces-refuse", refused.Headers.Location?.OriginalString);
    }
}
