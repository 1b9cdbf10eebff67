using System.Net;
using Formation.Shell.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formation.NationalCatalog.Import;

/// <summary>
/// Downloads the configured export (<c>NationalCatalog:ExportUrl</c>, CSV or JSON) to a temporary file, then syncs it.
/// The download is hostile input too: https only (unless <c>NationalCatalog:AllowHttp</c>), a size limit
/// (<c>NationalCatalog:MaxDownloadBytes</c>, 2 GB), an overall timeout (<c>NationalCatalog:DownloadTimeoutMinutes</c>, 20),
/// and a body shorter than its announced length is a truncated download: nothing is imported.
/// </summary>
public sealed class CatalogueDownloadSync(CatalogueSync sync, IHttpClientFactory http, AppPaths paths, SyncProgress progress, IConfiguration configuration)
{
    public const string DefaultUrl = "https://opendata.caissedesdepots.fr/api/explore/v2.1/catalog/datasets/moncompteformation_catalogueformation/exports/csv";
    public const string HttpClientName = "national-catalogue";

    public string Url => configuration["NationalCatalog:ExportUrl"] is { Length: > 0 } url ? url : DefaultUrl;

    public async Task<SyncResult> RunAsync(string trigger, CancellationToken ct)
    {
        var file = Path.Combine(paths.Folder("national-catalogue", "downloads"), $"export-{Guid.NewGuid():N}.tmp");
        try
        {
            var failure = await DownloadAsync(file, ct);
            if (failure is not null) return new SyncResult(0, false, failure, 0, 0, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, []);
            return await sync.SyncAsync([new SyncFile(file, Url)], trigger, ct);
        }
        finally { try { File.Delete(file); } catch (IOException) { } }
    }

    private async Task<string?> DownloadAsync(string file, CancellationToken ct)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && configuration.GetValue("NationalCatalog:AllowHttp", false))))
            return $"Adresse d'export invalide : « {Url} » (https attendu).";
        var maxBytes = configuration.GetValue("NationalCatalog:MaxDownloadBytes", 2L * 1024 * 1024 * 1024);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(configuration.GetValue("NationalCatalog:DownloadTimeoutMinutes", 20.0)));
        try
        {
            var client = http.CreateClient(HttpClientName);
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK) return $"Le téléchargement a échoué : réponse HTTP {(int)response.StatusCode} de {uri.Host}.";
            var announced = response.Content.Headers.ContentLength;
            if (announced > maxBytes) return $"Le fichier annoncé ({announced} octets) dépasse la limite de {maxBytes} octets.";
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            await using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                total += read;
                if (total > maxBytes) return $"Le téléchargement dépasse la limite de {maxBytes} octets : il est abandonné.";
                await output.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
                if ((total & ((1 << 22) - 1)) < read) progress.Set(0, "Téléchargement", total, announced ?? 0, 0);
            }
            if (announced is { } length && total != length)
                return $"Le téléchargement est tronqué : {total} octets reçus sur {length} annoncés. Le catalogue actuel est conservé.";
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "Le téléchargement a dépassé le délai autorisé : il est abandonné. Le catalogue actuel est conservé.";
        }
        catch (HttpRequestException ex)
        {
            return $"Le téléchargement a échoué : {ex.Message}";
        }
        catch (IOException ex)
        {
            return $"Le téléchargement a été interrompu : {ex.Message} Le catalogue actuel est conservé.";
        }
        finally { progress.Clear(); }
    }
}

/// <summary>
/// The daily sync (<c>NationalCatalog:Schedule:Enabled</c>, at <c>NationalCatalog:Schedule:TimeUtc</c>, 03:30 by default).
/// Several web nodes may run it: a node skips the day when a run already started after today's time.
/// </summary>
public sealed class CatalogueSyncScheduler(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<CatalogueSyncScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("NationalCatalog:Schedule:Enabled", false)) return;
        var at = TimeOnly.TryParse(configuration["NationalCatalog:Schedule:TimeUtc"] ?? "03:30", System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : new TimeOnly(3, 30);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(at), TimeSpan.Zero);
            if (next <= now) next = next.AddDays(1);
            await Task.Delay(next - now, time, stoppingToken);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Data.NationalCatalogDbContext>();
                var since = next.AddMinutes(-1);
                if (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Runs, r => r.StartedUtc >= since && r.Trigger == "planifiée", stoppingToken)) continue;
                await scope.ServiceProvider.GetRequiredService<CatalogueDownloadSync>().RunAsync("planifiée", stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Synchronisation planifiée du catalogue national impossible");
            }
        }
    }
}
