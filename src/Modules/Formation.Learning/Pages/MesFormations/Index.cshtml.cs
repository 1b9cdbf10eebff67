using Formation.Catalog.Contracts;
using Formation.Learning.Data;
using Formation.Learning.Launch;
using Formation.Learning.Packages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Learning.Pages.MesFormations;

/// <summary>The learner's dashboard: every enrolment with its progress, time spent, last activity and state.</summary>
[Authorize]
public sealed class MesFormationsModel(Enrolments enrolments, ICatalogReader catalog, ContentPackages packages, LearningPeople people) : PageModel
{
    public sealed record Row(Enrolment Enrolment, string Title, int SatisfiedAus, int TotalAus, long TimeSpentSeconds);
    public List<Row> Rows { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = people.UserId(User)!;
        var mine = await enrolments.ForUserAsync(userId, ct);
        var modules = new Dictionary<Guid, PublishedModule>();
        foreach (var moduleId in mine.Select(e => e.ModuleId).Distinct())
            if (await catalog.GetLastPublishedAsync(moduleId, ct) is { } found) modules[moduleId] = found;
        foreach (var e in mine)
        {
            var progress = LearningProgress.Read(e.ProgressJson);
            var total = 0;
            if (e.PackageId is { } pid && await packages.FindAsync(pid, ct) is { } package) total = CourseStructure.FromJson(package.StructureJson).Aus().Count();
            else if (modules.TryGetValue(e.ModuleId, out var m) && await packages.ForPublishedAsync(m, ct) is { } current) total = CourseStructure.FromJson(current.StructureJson).Aus().Count();
            Rows.Add(new Row(e, modules.TryGetValue(e.ModuleId, out var module) ? module.Title : "Module retiré du catalogue", progress.SatisfiedAus.Count, total,
                progress.Aus.Values.Sum(a => a.TimeSpentSeconds)));
        }
    }

    public static string Duration(long seconds)
    {
        if (seconds <= 0) return "—";
        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min" : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds:00} s" : $"{span.Seconds} s";
    }
}
