using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Search.Indexing;
using Formation.Shell.Data;
using Formation.Shell.Recipes;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Benchmarks.Dataset;

/// <summary>What a prepared data folder holds (written last, so a folder without it is incomplete).</summary>
public sealed record DatasetInfo(int Modules, int Seed, int GeneratorVersion, DateTimeOffset PreparedUtc, double InsertSeconds, double IndexSeconds,
    Dictionary<string, int> ByOwner, long DatabaseBytes, long IndexBytes)
{
    public const string FileName = "dataset.json";

    public static DatasetInfo? Read(string dataPath, int modules, int seed)
    {
        var path = Path.Combine(dataPath, FileName);
        if (!File.Exists(path)) return null;
        var info = JsonSerializer.Deserialize<DatasetInfo>(File.ReadAllText(path));
        return info is not null && info.Modules == modules && info.Seed == seed && info.GeneratorVersion == ModuleGenerator.Version ? info : null;
    }

    public void Write(string dataPath) =>
        File.WriteAllText(Path.Combine(dataPath, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}

/// <summary>
/// Fills an empty data folder through the running host: the demo recipe's portals (platform, Département with a
/// curation by themes, federation) without its modules, then the generated modules stored as the catalogue stores
/// published ones (its DbContext, content normalised by <c>ModuleContentRules</c>), then the search index rebuilt from
/// the catalogue exactly as <c>search rebuild</c> does (<see cref="SearchIndex.RebuildAsync"/> over the real
/// <see cref="ICatalogReader"/>).
/// </summary>
public sealed class DatasetBuilder(IServiceProvider services, DemoVocabulary demo, string recipesFolder, TextWriter log)
{
    private const int BatchSize = 2_000;

    public async Task<DatasetInfo> BuildAsync(string dataPath, int count, int seed)
    {
        await ApplyPortalsAsync();

        var generator = new ModuleGenerator(demo, seed);
        var byOwner = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < count; start += BatchSize)
        {
            var batch = new GeneratedModule[Math.Min(BatchSize, count - start)];
            Parallel.For(0, batch.Length, i => batch[i] = generator.Generate(start + i));
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await scope.ServiceProvider.GetRequiredService<ShellDatabase>().BeginTransactionAsync();
            foreach (var generated in batch)
            {
                generated.Module.Versions.Add(generated.Version);
                generated.Module.Sessions.AddRange(generated.Sessions);
                db.Modules.Add(generated.Module);
                byOwner[generated.Module.OwnerTenantId] = byOwner.GetValueOrDefault(generated.Module.OwnerTenantId) + 1;
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            if ((start / BatchSize) % 10 == 9 || start + batch.Length == count)
                log.WriteLine($"  {start + batch.Length:N0} modules stored ({watch.Elapsed.TotalSeconds:F0} s)");
        }
        var insertSeconds = watch.Elapsed.TotalSeconds;

        log.WriteLine("  Rebuilding the search index from the catalogue (as `search rebuild` does)…");
        watch.Restart();
        int indexed;
        await using (var scope = services.CreateAsyncScope())
            indexed = await services.GetRequiredService<SearchIndex>().RebuildAsync(scope.ServiceProvider.GetRequiredService<ICatalogReader>());
        var indexSeconds = watch.Elapsed.TotalSeconds;
        if (indexed != count) throw new InvalidOperationException($"The index holds {indexed} modules, {count} expected.");
        log.WriteLine($"  {indexed:N0} modules indexed in {indexSeconds:F0} s");

        var info = new DatasetInfo(count, seed, ModuleGenerator.Version, DateTimeOffset.UtcNow, Math.Round(insertSeconds, 1), Math.Round(indexSeconds, 1),
            byOwner, FolderBytes(dataPath, "formation.db*"), FolderBytes(Path.Combine(dataPath, "search", "modules"), "*"));
        info.Write(dataPath);
        return info;
    }

    /// <summary>Rebuilds the index of a prepared dataset (a new index format), as <c>search rebuild</c> does.</summary>
    public static async Task<DatasetInfo> ReindexAsync(IServiceProvider services, string dataPath, DatasetInfo dataset, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        int indexed;
        await using (var scope = services.CreateAsyncScope())
            indexed = await services.GetRequiredService<SearchIndex>().RebuildAsync(scope.ServiceProvider.GetRequiredService<ICatalogReader>());
        if (indexed != dataset.Modules) throw new InvalidOperationException($"The index holds {indexed} modules, {dataset.Modules} expected.");
        log.WriteLine($"  {indexed:N0} modules indexed in {watch.Elapsed.TotalSeconds:F0} s");
        var info = dataset with { IndexSeconds = Math.Round(watch.Elapsed.TotalSeconds, 1), IndexBytes = FolderBytes(Path.Combine(dataPath, "search", "modules"), "*") };
        info.Write(dataPath);
        return info;
    }

    /// <summary>The demo recipe's portals, brands, features, organisations, accounts and the Département's curation; no module.</summary>
    private async Task ApplyPortalsAsync()
    {
        var path = Path.Combine(recipesFolder, "demo.recipe.json");
        var demoRecipe = JsonSerializer.Deserialize<RecipeDocument>(await File.ReadAllTextAsync(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var steps = demoRecipe.Steps
            // The federation's hand-picked curation names demo modules that are not generated: it keeps "show all".
            .Where(s => Name(s) != "modules" && !(Name(s) == "curation" && s["mode"]?.GetValue<string>() == nameof(CurationMode.HandPicked)))
            .ToList();
        if (!steps.Any(s => Name(s) == "curation" && s["tenant"]?.GetValue<string>() == ModuleGenerator.Departement))
            throw new InvalidOperationException("The demo recipe no longer gives the Département a curation.");
        await services.GetRequiredService<RecipeRunner>().RunAsync(new RecipeDocument { Name = "benchmark-portals", Steps = steps }, recipesFolder);
    }

    private static string? Name(JsonObject step) => step["name"]?.GetValue<string>();

    public static long FolderBytes(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern).Sum(f => new FileInfo(f).Length) : 0;
}
