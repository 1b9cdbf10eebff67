using Formation.Commerce.Data;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Employeur;

/// <summary>One pool: assign by e-mail or by CSV (line-by-line report), reclaim, the seats and their states.</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.EmployerManager)]
public sealed class LotModel(SeatLedger ledger, CommercePeople people) : PageModel
{
    public SeatPool? Pool { get; private set; }
    public List<Seat> Seats { get; private set; } = [];
    public IReadOnlyList<SeatUploadLine>? Report { get; private set; }
    [BindProperty] public string? Email { get; set; }
    [TempData] public string? Message { get; set; }

    private async Task<Guid?> LoadAsync(Guid poolId, CancellationToken ct)
    {
        var employer = await people.EmployerOfAsync(User, ct);
        if (employer is null) return null;
        Pool = (await ledger.PoolsOfAsync(employer.Id, ct)).FirstOrDefault(p => p.Id == poolId);
        if (Pool is null) return null;
        Seats = await ledger.SeatsOfAsync([Pool.Id], ct);
        return employer.Id;
    }

    private string InvitationUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}/invitation";

    public async Task<IActionResult> OnGetAsync(Guid poolId, CancellationToken ct) => await LoadAsync(poolId, ct) is null ? NotFound() : Page();

    public async Task<IActionResult> OnPostAttribuerAsync(Guid poolId, CancellationToken ct)
    {
        if (await LoadAsync(poolId, ct) is not { } employerId) return NotFound();
        try
        {
            await ledger.AssignAsync(poolId, employerId, Email ?? "", people.UserId(User), InvitationUrl, ct);
            Message = $"Place attribuée à {Email!.Trim()}.";
            return Redirect(Url.Content($"~/employeur/lots/{poolId}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostFichierAsync(Guid poolId, IFormFile? fichier, CancellationToken ct)
    {
        if (await LoadAsync(poolId, ct) is not { } employerId) return NotFound();
        if (fichier is null || fichier.Length == 0)
        {
            ModelState.AddModelError("fichier", "Choisissez un fichier CSV.");
            return Page();
        }
        try
        {
            await using var stream = fichier.OpenReadStream();
            Report = await ledger.AssignCsvAsync(poolId, employerId, stream, people.UserId(User), InvitationUrl, ct);
            await LoadAsync(poolId, ct);
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostReprendreAsync(Guid poolId, Guid seatId, CancellationToken ct)
    {
        if (await LoadAsync(poolId, ct) is not { } employerId) return NotFound();
        try
        {
            await ledger.ReclaimAsync(seatId, employerId, people.UserId(User), ct);
            Message = "Place reprise : elle est de nouveau disponible.";
            return Redirect(Url.Content($"~/employeur/lots/{poolId}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }

    public static string StateLabel(SeatState state) => state switch
    {
        SeatState.Available => "Disponible",
        SeatState.Assigned => "Attribuée",
        SeatState.Consumed => "Commencée",
        _ => "Libérée",
    };
}
