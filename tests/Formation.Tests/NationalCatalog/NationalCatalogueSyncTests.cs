using System.Net;
using System.Text.Json;
using Formation.NationalCatalog.Data;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Formation.Tests.NationalCatalog.NationalCatalogueFiles;

namespace Formation.Tests.NationalCatalog;

/// <summary>National catalogue sync (issue 7, points 1, 2, 4, 5): the verb, both column generations, grouping, rejects, snapshot safety, the API.</summary>
[Collection(NationalCatalogueCollection.Name), Trait("Category", "Integration")]
public sealed class NationalCatalogueSyncTests(NationalCatalogueHost host)
{
    private HttpClient Client => host.Factory.ClientFor(host.Portal.Host);

    private async Task<SyncRun> LastRunAsync()
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NationalCatalogDbContext>().Runs.AsNoTracking().OrderByDescending(r => r.Id).FirstAsync();
    }

    private async Task<JsonElement?> ApiAsync(string numero)
    {
        var response = await Client.GetAsync("/api/national-catalogue/" + Uri.EscapeDataString(numero));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return null;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_verb_imports_the_shared_sample_and_keeps_none_of_its_office_trainings()
    {
        var sample = Path.Combine(TestPaths.SharedData, "national-catalogue", "cdc_catalogue_extract_2024-07-11_nsf326_100rows.csv");
        var (code, output, error) = await host.SyncVerbAsync(sample);

        Assert.True(code == 0, error);
        Assert.Contains("100 ligne(s) lue(s)", output);
        Assert.Contains("Formations pertinentes ASE conservées : 0", output);
        var run = await LastRunAsync();
        Assert.Equal(SyncStatus.Succeeded, run.Status);
        Assert.Equal(100, run.RowsRead);
        Assert.Equal(0, run.Rejected);
        // 100 rows, fewer formations: a formation has one row per département.
        Assert.True(run.Formations is > 50 and < 100, $"{run.Formations} formations");
        Assert.Null(await ApiAsync("78959578200051_M-FOR1512"));

        await using var scope = host.Factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<NationalCatalogDbContext>().Trainings.AsNoTracking()
            .SingleAsync(t => t.NumeroFormation == "52437490700029_A041-INTRA-14H");
        Assert.Equal("52437490700029", stored.Siret);
        Assert.DoesNotContain(".0", stored.Formacodes);
        Assert.Equal(4, stored.Departements!.Split(';').Length);
    }

    [Fact]
    public async Task A_raw_2025_export_with_a_byte_order_mark_is_grouped_and_only_relevant_trainings_are_served()
    {
        var badRow = string.Join(';', Columns2025.Select(c => c switch
        {
            "numero_formation" => "11122233300014_BAD", "intitule_formation" => "Ligne abîmée", "siret_of" => "11122233300014",
            "nombre_heures_total_min" => "beaucoup", _ => "",
        }));
        var text = Csv([Dees, ChildProtection, Spreadsheet], extraLines: [badRow]);
        var path = Write(text, bom: true);
        var (code, output, error) = await host.SyncVerbAsync(path);

        Assert.True(code == 0, error);
        Assert.Contains("Lignes rejetées : 1", output);
        var run = await LastRunAsync();
        Assert.Equal(3, run.Formations);
        Assert.Equal(2, run.Relevant);
        // The line as a person counts it in the file: quoted multi-line fields make it differ from the row number.
        var badLine = text.Split('\n').ToList().FindIndex(l => l.Contains("11122233300014_BAD")) + 1;
        Assert.Contains($"\"line\":{badLine}", run.RejectsJson);
        Assert.Contains("nombre_heures_total_min", run.RejectsJson);

        var dees = await ApiAsync(Dees.Numero);
        Assert.NotNull(dees);
        var json = dees.Value;
        Assert.Equal("01234567800012", json.GetProperty("siret").GetString());
        Assert.Equal("RNCP37676", json.GetProperty("certificationCode").GetString());
        Assert.True(json.GetProperty("distanceLearning").GetBoolean());
        Assert.Equal(["59", "62"], json.GetProperty("departements").EnumerateArray().Select(d => d.GetProperty("code").GetString()).ToArray());
        Assert.Equal(100, json.GetProperty("hoursMin").GetInt32());
        Assert.Equal(400, json.GetProperty("hoursMax").GetInt32());
        Assert.Equal(3200.5m, json.GetProperty("priceMax").GetDecimal());
        var highlights = json.GetProperty("highlightsHtml").GetString()!;
        Assert.Contains("<li>", highlights);
        Assert.DoesNotContain("script", highlights);
        var mcf = json.GetProperty("mcfUrl").GetString()!;
        Assert.StartsWith("https://www.moncompteformation.gouv.fr/", mcf);
        Assert.Contains("/formation/recherche/01234567800012_DEES-VAE/01234567800012_DEES-VAE", mcf);

        var corsica = await ApiAsync(ChildProtection.Numero);
        Assert.Equal("2A", corsica!.Value.GetProperty("departements")[0].GetProperty("code").GetString());
        Assert.Equal("RS5641", corsica.Value.GetProperty("certificationCode").GetString());
        Assert.Null(await ApiAsync(Spreadsheet.Numero));
        Assert.Null(await ApiAsync("inconnu_000"));

        var page = WebUtility.HtmlDecode(await Client.GetStringAsync("/catalogue-national/" + Dees.Numero));
        Assert.Contains("Voir et acheter avec mon CPF", page);
        Assert.Contains("de 1 500 € à 3 200,50 € TTC", page.Replace('\u202f', ' ').Replace('\u00a0', ' '));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/catalogue-national/" + Spreadsheet.Numero)).StatusCode);
    }

    [Fact]
    public async Task An_export_with_the_older_column_names_and_no_byte_order_mark_is_read()
    {
        var path = Write(Csv([Dees with { Numero = "01234567800012_ANCIEN" }, Spreadsheet], before2025: true), bom: false);
        var (code, _, error) = await host.SyncVerbAsync(path);

        Assert.True(code == 0, error);
        var old = await ApiAsync("01234567800012_ANCIEN");
        Assert.Equal("01234567800012", old!.Value.GetProperty("siret").GetString());
        Assert.Equal("RNCP37676", old.Value.GetProperty("certificationCode").GetString());
        Assert.Null(await ApiAsync(Spreadsheet.Numero));
    }

    [Fact]
    public async Task A_truncated_export_leaves_the_previous_catalogue_untouched_and_says_why()
    {
        var full = Csv([Dees, ChildProtection, Spreadsheet]);
        Assert.Equal(0, (await host.SyncVerbAsync(Write(full, bom: false))).ExitCode);

        // A download cut in the middle of the last row, inside the quoted multi-line field of the DEES rows.
        var reordered = Csv([ChildProtection, Spreadsheet, Dees with { Numero = "01234567800012_NOUVEAU" }]);
        var cut = reordered[..(reordered.LastIndexOf("suivi individuel", StringComparison.Ordinal) + 5)];
        var (code, _, error) = await host.SyncVerbAsync(Write(cut, bom: false));

        Assert.Equal(1, code);
        Assert.Contains("tronqué", error);
        var run = await LastRunAsync();
        Assert.Equal(SyncStatus.Failed, run.Status);
        Assert.Contains("tronqué", run.FailureReason);
        Assert.NotNull(await ApiAsync(Dees.Numero));
        Assert.NotNull(await ApiAsync(ChildProtection.Numero));
        Assert.Null(await ApiAsync("01234567800012_NOUVEAU"));
    }

    [Fact]
    public async Task A_second_sync_tells_unchanged_changed_and_withdrawn_trainings()
    {
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees, ChildProtection, Spreadsheet]), bom: false))).ExitCode);
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees, ChildProtection, Spreadsheet]), bom: true))).ExitCode);
        var same = await LastRunAsync();
        Assert.Equal((0, 0, 3, 0), (same.Added, same.Changed, same.Unchanged, same.Withdrawn));

        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees with { PriceMax = "3500.0" }, Spreadsheet]), bom: false))).ExitCode);
        var next = await LastRunAsync();
        Assert.Equal((0, 1, 1, 1), (next.Added, next.Changed, next.Unchanged, next.Withdrawn));
        Assert.Equal(3500m, (await ApiAsync(Dees.Numero))!.Value.GetProperty("priceMax").GetDecimal());
        Assert.Null(await ApiAsync(ChildProtection.Numero));

        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees, ChildProtection, Spreadsheet]), bom: false))).ExitCode);
        var back = await LastRunAsync();
        Assert.Equal((1, 1, 1, 0), (back.Added, back.Changed, back.Unchanged, back.Withdrawn));
        Assert.NotNull(await ApiAsync(ChildProtection.Numero));
    }

    [Fact]
    public async Task A_json_export_is_detected_and_read()
    {
        var records = new[]
        {
            new Dictionary<string, object?> { ["numero_formation"] = "01234567800012_JSON", ["intitule_formation"] = "Éducateur spécialisé par la VAE", ["siret_of"] = "01234567800012",
                ["code_rncp"] = 37676, ["code_rs"] = -1, ["code_departement"] = "59", ["nom_departement"] = "Nord", ["code_region"] = "32",
                ["nombre_heures_total_min"] = 120.0, ["frais_ttc_tot_min"] = 990.5, ["points_forts"] = null },
        };
        var path = Write(JsonSerializer.Serialize(records), bom: false, ".json");
        var (code, _, error) = await host.SyncVerbAsync(path);

        Assert.True(code == 0, error);
        var training = await ApiAsync("01234567800012_JSON");
        Assert.Equal("RNCP37676", training!.Value.GetProperty("certificationCode").GetString());
        Assert.Equal(990.5m, training.Value.GetProperty("priceMin").GetDecimal());

        var truncated = JsonSerializer.Serialize(records);
        var (failed, _, reason) = await host.SyncVerbAsync(Write(truncated[..^20], bom: false, ".json"));
        Assert.Equal(1, failed);
        Assert.Contains("JSON", reason);
        Assert.NotNull(await ApiAsync("01234567800012_JSON"));
    }
}
