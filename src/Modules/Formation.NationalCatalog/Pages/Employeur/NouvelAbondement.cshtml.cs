using Formation.NationalCatalog.TopUp;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.NationalCatalog.Pages.Employeur;

/// <summary>An employer manager records a top-up intention (employee, amount) for a CPF-eligible national training.</summary>
[Authorize(Roles = Roles.EmployerManager)]
public sealed class NouvelAbondementModel(TopUpIntentions intentions, NationalCatalogue catalogue) : PageModel
{
    public sealed class InputModel
    {
        public string Formation { get; set; } = "";
        public string? Salarie { get; set; }
        public decimal? Montant { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public NationalTrainingDto? Training { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? formation, CancellationToken ct)
    {
        Training = formation is null ? null : await catalogue.FindShownAsync(formation, ct);
        if (Training is null) return NotFound();
        Input.Formation = Training.NumeroFormation;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Training = await catalogue.FindShownAsync(Input.Formation ?? "", ct);
        if (Training is null) return NotFound();
        var employer = await intentions.EmployerOfAsync(User, ct);
        if (employer is null)
        {
            ModelState.AddModelError("Input.Salarie", "Votre compte n'est rattaché à aucun employeur.");
            return Page();
        }
        if (!ModelState.IsValid || Input.Montant is null)
        {
            ModelState.Clear();
            ModelState.AddModelError("Input.Montant", "Indiquez un montant en euros, par exemple 350 ou 350,50.");
            return Page();
        }
        try
        {
            var intention = await intentions.RecordAsync(employer, User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value,
                new RecordTopUp(Input.Formation!, Input.Salarie ?? "", Input.Montant.Value), ct);
            return Redirect(Url.Content($"~/employeur/abondements-cpf/{intention.Id}"));
        }
        catch (ValidationFailedException ex)
        {
            foreach (var (field, messages) in ex.Errors)
                foreach (var message in messages)
                    ModelState.AddModelError(field switch { "EmployeeName" => "Input.Salarie", "AmountEuros" => "Input.Montant", _ => "Input.Formation" }, message);
            return Page();
        }
    }
}
