using Formation.Catalog.Contracts;
using Formation.Learning.Certificates;
using Formation.Learning.Data;
using Formation.Learning.Launch;
using Formation.Learning.Packages;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning.Pages.MesFormations;

/// <summary>One enrolment: its activities with their state, launch buttons, and the certificate once completed.</summary>
[Authorize]
public sealed class FormationModel(LearningDbContext db, ICatalogReader catalog, Cmi5Launcher launcher, LearningPeople people) : PageModel
{
    public Enrolment Enrolment { get; private set; } = null!;
    public string Title { get; private set; } = "";
    public CourseStructure? Course { get; private set; }
    public LearningProgress Progress { get; private set; } = LearningProgress.Empty();
    public Certificate? Certificate { get; private set; }
    public string? Error { get; private set; }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var userId = people.UserId(User);
        var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.UserId == userId, ct);
        if (enrolment is null) return false;
        Enrolment = enrolment;
        Title = (await catalog.GetLastPublishedAsync(enrolment.ModuleId, ct))?.Title ?? "Formation";
        Progress = LearningProgress.Read(enrolment.ProgressJson);
        Certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.EnrolmentId == id, ct);
        try { Course = (await launcher.OpenAsync(id, userId!, ct)).Course; }
        catch (ValidationFailedException) { Course = null; }
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Launches an AU (the next one to do when none is named) and sends the browser to it.</summary>
    public async Task<IActionResult> OnPostLancerAsync(Guid id, string? au, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (Course is null) { Error = "Le contenu de cette formation n'est pas encore disponible."; return Page(); }
        var urls = LearningUrls.For(HttpContext);
        var satisfied = au is not null && Progress.SatisfiedAus.Contains(au);
        // A satisfied AU opens again in Browse mode: the learner reviews it without changing the record.
        var mode = satisfied ? LaunchModes.Browse : LaunchModes.Normal;
        try
        {
            var url = await launcher.LaunchAsync(id, people.UserId(User)!, au, mode, urls, urls.BaseUrl + "/mes-formations/" + id, ct);
            return Redirect(url);
        }
        catch (ValidationFailedException ex) { Error = ex.Message; return Page(); }
    }
}
