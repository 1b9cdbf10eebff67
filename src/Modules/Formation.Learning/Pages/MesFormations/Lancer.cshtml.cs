using Formation.Learning.Launch;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Learning.Pages.MesFormations;

/// <summary>"Commencer"/"Reprendre" from the module page: launches the next AU to do.</summary>
[Authorize]
public sealed class LancerModel(Cmi5Launcher launcher, LearningPeople people) : PageModel
{
    public IActionResult OnGet(Guid id) => Redirect(Url.Content($"~/mes-formations/{id}"));

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var urls = LearningUrls.For(HttpContext);
        try
        {
            return Redirect(await launcher.LaunchAsync(id, people.UserId(User)!, null, LaunchModes.Normal, urls, urls.BaseUrl + "/mes-formations/" + id, ct));
        }
        catch (ValidationFailedException) { return Redirect(Url.Content($"~/mes-formations/{id}")); }
    }
}
