using Formation.Catalog.Contracts;
using Formation.Learning.Data;
using Formation.Learning.Packages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Learning.Pages.EspaceEditeur;

/// <summary>A publisher attaches a content package to a version of one of their institute's modules.</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.InstitutePublisher)]
[RequestSizeLimit(210L * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 210L * 1024 * 1024)]
public sealed class ContenuModel(ContentPackages packages, ICatalogAuthoringReader catalog, LearningPeople people) : PageModel
{
    public string Title { get; private set; } = "";
    public IReadOnlyList<ModuleVersionSummary> Versions { get; private set; } = [];
    public List<ContentPackage> Packages { get; private set; } = [];
    public long MaxMegabytes => packages.Limits.MaxUploadBytes / 1024 / 1024;
    [TempData] public string? Message { get; set; }
    public string? Error { get; private set; }
    [BindProperty] public Guid VersionId { get; set; }
    [BindProperty] public IFormFile? Package { get; set; }

    private async Task<bool> LoadAsync(Guid moduleId, CancellationToken ct)
    {
        var institute = await people.InstituteIdAsync(User, ct);
        var module = await catalog.GetOwnAsync(moduleId, ct);
        if (institute is null || module is null || module.PublisherId != institute) return false;
        Title = module.Versions.FirstOrDefault()?.Title ?? module.Slug;
        Versions = module.Versions;
        Packages = await packages.ListForModuleAsync(moduleId, ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid moduleId, CancellationToken ct) => await LoadAsync(moduleId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid moduleId, CancellationToken ct)
    {
        if (!await LoadAsync(moduleId, ct)) return NotFound();
        if (Package is null || Package.Length == 0) { Error = "Choisissez un fichier à déposer."; return Page(); }
        try
        {
            await using var stream = Package.OpenReadStream();
            var imported = await packages.ImportAsync(moduleId, VersionId, Package.FileName, stream, people.UserId(User), await people.InstituteIdAsync(User, ct), ct);
            Message = $"Paquet « {imported.Title} » enregistré pour la version {imported.VersionNumber}.";
            return RedirectToPage(new { moduleId });
        }
        catch (PackageRejectedException ex)
        {
            Error = ex.Message;
            return Page();
        }
    }
}
