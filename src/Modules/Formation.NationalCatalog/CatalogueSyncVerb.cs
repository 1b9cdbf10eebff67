using Formation.NationalCatalog.Import;
using Formation.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.NationalCatalog;

/// <summary>
/// <c>catalogue-sync --file &lt;path&gt;</c> imports a local export (CSV or JSON, detected); <c>catalogue-sync</c> alone
/// downloads the configured export URL first. Prints the run's summary; exits 0, or 1 when the import failed.
/// </summary>
internal sealed class CatalogueSyncVerb : IHostVerb
{
    public string Name => "catalogue-sync";
    public string Usage => "catalogue-sync [--file <chemin>]";

    public async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, CancellationToken ct)
    {
        string? file = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--file" or "-f" && i + 1 < args.Count) file = args[++i];
            else if (args[i].StartsWith("--file=", StringComparison.Ordinal)) file = args[i]["--file=".Length..];
            // Configuration overrides (--App:DataPath=…, key=value) are read by the host, not here.
            else if (args[i].Contains(':') || args[i].Contains('=')) { if (!args[i].Contains('=') && i + 1 < args.Count) i++; }
            else { Console.Error.WriteLine($"Argument inconnu : {args[i]}. Usage : {Usage}"); return 2; }
        }
        await using var scope = services.CreateAsyncScope();
        SyncResult result;
        if (file is not null)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path)) { Console.Error.WriteLine($"Fichier introuvable : {path}"); return 1; }
            result = await scope.ServiceProvider.GetRequiredService<CatalogueSync>().SyncAsync([new SyncFile(path, Path.GetFileName(path))], "ligne de commande", ct);
        }
        else
        {
            result = await scope.ServiceProvider.GetRequiredService<CatalogueDownloadSync>().RunAsync("ligne de commande", ct);
        }
        if (!result.Succeeded) { Console.Error.WriteLine(result.Summary); return 1; }
        Console.WriteLine(result.Summary);
        Console.WriteLine($"Lignes lues : {result.RowsRead}");
        Console.WriteLine($"Formations pertinentes ASE conservées : {result.Relevant}");
        Console.WriteLine($"Lignes rejetées : {result.Rejected}");
        Console.WriteLine($"Ajoutées : {result.Added} ; modifiées : {result.Changed} ; retirées : {result.Withdrawn}");
        foreach (var reject in result.Rejects.Take(20)) Console.WriteLine($"  rejet {reject.File} ligne {reject.Line} : {reject.Reason}");
        return 0;
    }
}
