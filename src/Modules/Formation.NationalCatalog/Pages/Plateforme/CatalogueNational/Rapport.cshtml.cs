using System.Text.Json;
using Formation.NationalCatalog.Data;
using Formation.Shell.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog.Pages.Plateforme.CatalogueNational;

/// <summary>One sync's report: counts, failure reason, rejected rows with their line numbers.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class RapportModel(NationalCatalogDbContext db) : PageModel
{
    public SyncRun Run { get; private set; } = null!;
    public List<(string File, long Line, string Reason)> Rejects { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is not { } run) return NotFound();
        Run = run;
        using var json = JsonDocument.Parse(run.RejectsJson);
        Rejects = json.RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("file").GetString() ?? "", e.GetProperty("line").GetInt64(), e.GetProperty("reason").GetString() ?? "")).ToList();
        return Page();
    }
}
