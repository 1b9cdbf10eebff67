using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.Import;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.NationalCatalog.Pages.Plateforme.CatalogueNational;

/// <summary>Operators follow the syncs of the national catalogue (reports, progress) and start one.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class IndexModel(NationalCatalogDbContext db, SyncProgress progress, CatalogueDownloadSync download, IServiceScopeFactory scopes, ILogger<IndexModel> logger) : PageModel
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
