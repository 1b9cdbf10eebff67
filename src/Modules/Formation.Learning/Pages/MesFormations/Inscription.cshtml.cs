using Formation.Learning.Contracts;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Learning.Pages.MesFormations;

/// <summary>Free self-enrolment in a MOOC ("S'inscrire gratuitement" on the module page).</summary>
[Authorize]
public sealed class InscriptionModel(Enrolments enrolments, LearningPeople people) : PageModel
{
    public string? Error { get; private set; }

    public IActionResult OnGet(Guid moduleId) => Redirect(Url.Content("~/mes-formations"));

    public async Task<IActionResult> OnPostAsync(Guid moduleId, CancellationToken ct)
    {
        try
        {
            var enrolment = await enrolments.OpenAsync(people.UserId(User)!, moduleId, EnrolmentSources.Self, null, ct);
            return Redirect(Url.Content($"~/mes-formations/{enrolment.Id}"));
        }
        catch (ValidationFailedException ex) { Error = ex.Message; return Page(); }
    }
}
