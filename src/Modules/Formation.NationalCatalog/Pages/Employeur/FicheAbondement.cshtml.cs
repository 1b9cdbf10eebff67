using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.TopUp;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.NationalCatalog.Pages.Employeur;

/// <summary>The printable sheet of a top-up: the EDEF steps and the transfer label <c>CPF-SIREN-CVCV-JJMMAA</c>.</summary>
[Authorize(Roles = Roles.EmployerManager)]
public sealed class FicheAbondementModel(TopUpIntentions intentions) : PageModel
{
    public TopUpIntention Intention { get; private set; } = null!;
    [BindProperty] public string? EdefCode { get; set; }
    [BindProperty] public DateOnly? ConfirmedOn { get; set; }

    public string Label => Intention.EdefCode is { } code && Intention.ConfirmedOn is { } date
        ? CpfTransferLabel.Create(Intention.Siren, code, date)
        : CpfTransferLabel.Template(Intention.Siren);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var employer = await intentions.EmployerOfAsync(User, ct);
        if (employer is null || await intentions.FindAsync(employer.Id, id, ct) is not { } intention) return NotFound();
        Intention = intention;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var employer = await intentions.EmployerOfAsync(User, ct);
        if (employer is null || await intentions.FindAsync(employer.Id, id, ct) is not { } intention) return NotFound();
        try
        {
            await intentions.ConfirmAsync(employer.Id, id, EdefCode, ModelState.IsValid ? ConfirmedOn : null, ct);
            return RedirectToPage(new { id });
        }
        catch (ValidationFailedException ex)
        {
            Intention = intention;
            ModelState.Clear();
            foreach (var (field, messages) in ex.Errors) foreach (var m in messages) ModelState.AddModelError(field, m);
            return Page();
        }
    }
}
