using System.Net;
using System.Text.Json;
using Formation.Tests.Support;
using static Formation.Tests.NationalCatalog.NationalCatalogueFiles;

namespace Formation.Tests.NationalCatalog;

/// <summary>National trainings in the portal's search (issue 7, point 4): source facet, place, distance, certification and price facets, MCF link.</summary>
[Collection(NationalCatalogueCollection.Name), Trait("Category", "Integration")]
public sealed class NationalSearchTests(NationalCatalogueHost host)
{
    private async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> EventuallyAsync(HttpClient client, string query, Func<JsonElement, bool> condition)
    {
        JsonElement result = default;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            result = await SearchAsync(client, query);
            if (condition(result)) return result;
            await Task.Delay(50);
        }
        return result;
    }

    private static string[] Ids(JsonElement result) => result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).Order().ToArray();

    [Fact]
    public async Task Relevant_national_trainings_are_found_with_their_facets_and_mcf_link()
    {
        var marker = "Zébulon" + Guid.NewGuid().ToString("N")[..6];
        var dees = Dees with { Title = Dees.Title + " " + marker };
        var corsica = ChildProtection with { Title = ChildProtection.Title + " " + marker };
        var office = Spreadsheet with { Title = Spreadsheet.Title + " " + marker };
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([dees, corsica, office]), bom: false))).ExitCode);
        var client = host.Factory.ClientFor(host.Portal.Host);

        var all = await EventuallyAsync(client, "q=" + marker, r => r.GetProperty("total").GetInt32() == 2);
        Assert.Equal(["cpf:" + dees.Numero, "cpf:" + corsica.Numero], Ids(all));
        var hit = all.GetProperty("hits").EnumerateArray().Single(h => h.GetProperty("id").GetString() == "cpf:" + dees.Numero);
        Assert.Equal("cpf", hit.GetProperty("source").GetString());
        Assert.EndsWith("/catalogue-national/" + dees.Numero, hit.GetProperty("url").GetString());
        Assert.Contains("/formation/recherche/" + dees.Numero + "/", hit.GetProperty("externalUrl").GetString());
        var source = all.GetProperty("facets").GetProperty("source").EnumerateArray().Single(v => v.GetProperty("value").GetString() == "cpf");
        Assert.Equal("Catalogue national (CPF)", source.GetProperty("label").GetString());
        Assert.Equal(2, source.GetProperty("count").GetInt32());

        Assert.Equal(["cpf:" + dees.Numero], Ids(await SearchAsync(client, $"q={marker}&departement=59")));
        Assert.Equal(["cpf:" + corsica.Numero], Ids(await SearchAsync(client, $"q={marker}&region=94")));
        Assert.Equal(["cpf:" + dees.Numero], Ids(await SearchAsync(client, $"q={marker}&distance=oui")));
        Assert.Equal(["cpf:" + corsica.Numero], Ids(await SearchAsync(client, $"q={marker}&certification=rs")));
        Assert.Equal(["cpf:" + dees.Numero], Ids(await SearchAsync(client, $"q={marker}&tarif=1500-a-3000")));
        Assert.Equal(["cpf:" + dees.Numero, "cpf:" + corsica.Numero], Ids(await SearchAsync(client, $"q={marker}&source=cpf")));
        Assert.Empty(Ids(await SearchAsync(client, $"q={marker}&source=plateforme")));

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/recherche?q=" + marker));
        Assert.Contains("Catalogue national (CPF)", page);
        Assert.Contains("/catalogue-national/" + dees.Numero, page);
        Assert.Contains("Département", page);

        // A portal without the feature does not show them.
        var other = new TestPortal("sans-national");
        await host.Factory.RunRecipeAsync(other.Recipe(features: ["Formation.Catalog", "Formation.Search"]));
        Assert.Equal(0, (await SearchAsync(host.Factory.ClientFor(other.Host), "q=" + marker)).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Factory.ClientFor(other.Host).GetAsync("/api/national-catalogue/" + dees.Numero)).StatusCode);

        // Withdrawn from the export: gone from search.
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([dees, office]), bom: false))).ExitCode);
        var after = await EventuallyAsync(client, "q=" + marker, r => r.GetProperty("total").GetInt32() == 1);
        Assert.Equal(["cpf:" + dees.Numero], Ids(after));

        var bad = await client.GetAsync("/api/search?departement=999");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
