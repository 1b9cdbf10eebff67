using Formation.Catalog.Contracts;
using Formation.Shell.Events;
using Formation.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formation.Search.Indexing;

/// <summary>
/// Keeps the index in step with the catalogue's events. <see cref="CatalogCurationChanged"/> needs nothing: which
/// modules a portal shows is decided at query time (<see cref="Querying.ModuleVisibility"/>).
/// </summary>
internal sealed class SearchIndexMaintenance(SearchIndex index, ICatalogReader catalog)
    : IDomainEventHandler<ModulePublished>, IDomainEventHandler<ModuleUnpublished>
{
    public async Task HandleAsync(ModulePublished published, CancellationToken ct)
    {
        // Read the published version now: a late or repeated event indexes the current state, never a stale one.
        var module = await catalog.GetPublishedAsync(published.ModuleId, ct);
        if (module is null) await index.DeleteAsync(published.ModuleId, ct);
        else await index.UpsertAsync(module, ct);
    }

    public Task HandleAsync(ModuleUnpublished unpublished, CancellationToken ct) => index.DeleteAsync(unpublished.ModuleId, ct);
}

/// <summary>Builds the index from the catalogue when the host starts without one (first start, deleted folder).</summary>
internal sealed class SearchIndexStartup(SearchIndex index, IServiceScopeFactory scopes, ILogger<SearchIndexStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!index.IsNew) return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var count = await index.RebuildAsync(scope.ServiceProvider.GetRequiredService<ICatalogReader>(), stoppingToken,
                scope.ServiceProvider.GetServices<Formation.Shell.Search.ISearchableSource>());
            logger.LogInformation("Index de recherche construit : {Count} module(s) publié(s)", count);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The site still serves; "search rebuild" can be run once the cause is fixed.
            logger.LogError(ex, "Construction de l'index de recherche impossible");
        }
    }
}

/// <summary><c>search rebuild</c>: rebuilds the index from the catalogue (the server must be stopped: it holds the index).</summary>
internal sealed class SearchVerb : IHostVerb
{
    public string Name => "search";
    public string Usage => "search rebuild";

    public async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args is not ["rebuild"]) { Console.Error.WriteLine("Usage : search rebuild"); return 2; }
        SearchIndex index;
        try { index = services.GetRequiredService<SearchIndex>(); }
        catch (Lucene.Net.Store.LockObtainFailedException)
        {
            Console.Error.WriteLine("L'index de recherche est ouvert par un autre processus : arrêtez le serveur, puis relancez « search rebuild ».");
            return 1;
        }
        await using var scope = services.CreateAsyncScope();
        var count = await index.RebuildAsync(scope.ServiceProvider.GetRequiredService<ICatalogReader>(), ct, scope.ServiceProvider.GetServices<Formation.Shell.Search.ISearchableSource>());
        Console.WriteLine($"Index de recherche reconstruit : {count} module(s) publié(s).");
        return 0;
    }
}
