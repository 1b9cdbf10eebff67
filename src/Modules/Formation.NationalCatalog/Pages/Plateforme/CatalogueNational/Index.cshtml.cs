using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.Import;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.NationalCatalog.Pages.Plateforme.CatalogueNational;

/// <summary>Operators follow the syncs of the national catalogue (reports, progress) and start one.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class IndexModel(NationalCatalogDbContext db, SyncProgress progress, CatalogueDownloadSync download, IServiceScopeFactory scopes, ILogger<IndexModel> logger,
    Lheo.LheoImport lheo) : PageModel
{
    public List<SyncRun> Runs { get; private set; } = [];
    public (long RunId, string Phase, long Done, long Total, long Rows)? Progress { get; private set; }
    public int Shown { get; private set; }
    public int Total { get; private set; }
    public string ExportUrl => download.Url;
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Runs = await db.Runs.AsNoTracking().OrderByDescending(r => r.Id).Take(30).ToListAsync(ct);
        Progress = progress.Current;
        Shown = await db.Trainings.CountAsync(t => t.Relevant && !t.Withdrawn, ct);
        Total = await db.Trainings.CountAsync(t => !t.Withdrawn, ct);
    }

    public const long MaxLheoBytes = 50L * 1024 * 1024;

    /// <summary>Imports an LHEO 2.2/2.3 file (e.g. an Intercarif export) as national trainings.</summary>
    [RequestSizeLimit(MaxLheoBytes + 1024 * 1024)]
    [RequestFormLimits(MultipartBodyLengthLimit = MaxLheoBytes + 1024 * 1024)]
    public async Task<IActionResult> OnPostLheoAsync(IFormFile? fichier, CancellationToken ct)
    {
        if (fichier is null || fichier.Length == 0) { Message = "Choisissez un fichier LHEO (XML)."; return RedirectToPage(); }
        if (fichier.Length > MaxLheoBytes) { Message = "Le fichier LHEO dépasse 50 Mo."; return RedirectToPage(); }
        try
        {
            await using var stream = fichier.OpenReadStream();
            var result = await lheo.ImportAsync(stream, ct);
            Message = $"Fichier LHEO importé : {result.Formations} formation(s), {result.Added} ajoutée(s), {result.Changed} modifiée(s), {result.Relevant} pertinente(s) pour l'ASE.";
        }
        catch (CatalogueFileException ex) { Message = "Import LHEO refusé : " + ex.Message; }
        return RedirectToPage();
    }

    /// <summary>Starts a sync from the configured export URL in the background; this page shows its progress.</summary>
    public IActionResult OnPostSync()
    {
        if (progress.Current is not null) { Message = "Une synchronisation est déjà en cours."; return RedirectToPage(); }
        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CatalogueDownloadSync>().RunAsync("manuelle", CancellationToken.None);
            }
            catch (Exception ex) { logger.LogError(ex, "Synchronisation manuelle du catalogue national impossible"); }
        });
        Message = "Synchronisation lancée : actualisez la page pour suivre sa progression.";
        return RedirectToPage();
    }
}
