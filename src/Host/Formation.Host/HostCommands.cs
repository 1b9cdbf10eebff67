using Formation.Shell.Data;
using Formation.Shell.Hosting;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;

namespace Formation.Host;

/// <summary>
/// Start-up and command-line verbs:
/// <c>(no verb)</c> migrate, set up an empty site with <c>App:SetupRecipe</c>, serve;
/// <c>recipe &lt;name|path&gt;</c> migrate and apply a recipe, then exit;
/// any other verb is one a module contributes as an <see cref="IHostVerb"/> (e.g. <c>search rebuild</c>).
/// </summary>
public static class HostCommands
{
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var logger = app.Services.GetRequiredService<ILogger<WebApplication>>();
        await app.Services.GetRequiredService<MigrationRunner>().RunAsync();

        // A verb is the first argument; options (--key value, key=value) come after it or alone.
        var verb = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=') ? args[0] : null;
        if (verb == "recipe")
        {
            var name = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
            if (name is null) { Console.Error.WriteLine("Usage : recipe <nom ou chemin de la recette>"); return 2; }
            return await ApplyRecipeAsync(app, name, logger) ? 0 : 1;
        }
        if (verb is not null) return await RunModuleVerbAsync(app, verb, args[1..]);

        var tenants = await app.Services.GetRequiredService<ITenantDirectory>().GetAllAsync();
        if (tenants.Count == 0)
        {
            var setup = app.Configuration["App:SetupRecipe"] ?? "demo";
            if (!string.IsNullOrWhiteSpace(setup) && setup != "none" && !await ApplyRecipeAsync(app, setup, logger)) return 1;
        }
        await app.RunAsync();
        return 0;
    }

    private static async Task<int> RunModuleVerbAsync(WebApplication app, string name, string[] args)
    {
        var verbs = app.Services.GetServices<IHostVerb>().ToList();
        var verb = verbs.FirstOrDefault(v => v.Name == name);
        if (verb is null)
        {
            Console.Error.WriteLine($"Commande inconnue : {name}. Commandes : {string.Join(", ", verbs.Select(v => v.Usage).Prepend("recipe <nom>"))}.");
            return 2;
        }
        // Disposing the host afterwards releases what the verb opened (e.g. the search index's write lock).
        await using (app) return await verb.RunAsync(app.Services, args, CancellationToken.None);
    }

    public static string ResolveRecipe(IConfiguration configuration, string nameOrPath)
    {
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        var folder = configuration["App:RecipesPath"] ?? Path.Combine(AppContext.BaseDirectory, "recipes");
        return Path.Combine(folder, nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? nameOrPath : nameOrPath + ".recipe.json");
    }

    private static async Task<bool> ApplyRecipeAsync(WebApplication app, string nameOrPath, ILogger logger)
    {
        var path = ResolveRecipe(app.Configuration, nameOrPath);
        try
        {
            await app.Services.GetRequiredService<RecipeRunner>().RunFileAsync(path);
            logger.LogInformation("Recette {Recipe} appliquée", path);
            return true;
        }
        catch (RecipeException ex)
        {
            logger.LogError("{Message}", ex.Message);
            Console.Error.WriteLine(ex.Message);
            return false;
        }
    }
}
