using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Catalog.Pages.EspaceEditeur;

/// <summary>Creates a module or edits its draft; the published version stays online meanwhile.</summary>
[Authorize(Policy = CatalogModule.PublisherPolicy)]
public sealed class EditionModel(CatalogAuthoring authoring, PublisherContext publisher, UserManager<Formation.Identity.Data.FormationUser> users) : PageModel
{
    [BindProperty] public ModuleForm Input { get; set; } = new();
    [BindProperty] public IFormFile? Cover { get; set; }
    [TempData] public string? Message { get; set; }
    [BindProperty] public SessionForm NewSession { get; set; } = new();
    public List<TrainingSession> Sessions { get; private set; } = [];
    public bool IsNew { get; private set; }

    public sealed class SessionForm
    {
        public DateOnly? Start { get; set; }
        public DateOnly? End { get; set; }
        public int Capacity { get; set; } = 20;
        public string? Tutor { get; set; }
    }
    public int? PublishedNumber { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null) return Forbid();
        if (id == "nouveau") { IsNew = true; Input.WithTierRows(); return Page(); }
        if (!Guid.TryParse(id, out var moduleId) || await authoring.FindOwnAsync(moduleId, institute.Id, ct) is not { } module) return NotFound();
        var version = module.Draft ?? module.Published ?? module.Versions.MaxBy(v => v.Number)!;
        Input = ModuleForm.From(version.Content);
        PublishedNumber = module.Retired ? null : module.Published?.Number;
        Sessions = module.Sessions.OrderBy(s => s.StartDate).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostSessionAsync(string id, CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null) return Forbid();
        if (!Guid.TryParse(id, out var moduleId)) return NotFound();
        try
        {
            if (NewSession.Start is not { } start || NewSession.End is not { } end)
                throw new ValidationFailedException("Start", "Indiquez les dates de début et de fin.");
            await authoring.AddSessionAsync(moduleId, start, end, NewSession.Capacity, NewSession.Tutor, institute.Id, ct);
            Message = "Session ajoutée.";
            return Redirect(Url.Content($"~/espace-editeur/{moduleId}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "NewSession");
            return await OnGetAsync(id, ct);
        }
    }

    public async Task<IActionResult> OnPostAsync(string id, string? action, CancellationToken ct)
    {
        var institute = await publisher.InstituteAsync(User, ct);
        if (institute is null) return Forbid();
        IsNew = id == "nouveau";
        try
        {
            Guid moduleId;
            if (IsNew)
            {
                var slug = string.IsNullOrWhiteSpace(Input.Slug) ? ModuleContentRules.Slugify(Input.Title ?? "") : Input.Slug;
                moduleId = (await authoring.CreateAsync(new CreateModule(slug, institute.Id, Input.ToContent()), users.GetUserId(User), ct)).Id;
            }
            else
            {
                if (!Guid.TryParse(id, out moduleId)) return NotFound();
                await authoring.SaveDraftAsync(moduleId, Input.ToContent(), institute.Id, users.GetUserId(User), ct);
            }
            if (Cover is { Length: > 0 })
            {
                if (Cover.Length > CatalogAuthoring.MaxCoverBytes) throw new ValidationFailedException("Cover", "L'image de couverture doit peser moins de 2 Mo.");
                using var memory = new MemoryStream();
                await Cover.CopyToAsync(memory, ct);
                await authoring.SetCoverAsync(moduleId, memory.ToArray(), allowSvg: false, institute.Id, ct);
            }
            if (action == "submit") await authoring.SubmitAsync(moduleId, institute.Id, ct);
            Message = action == "submit" ? "Brouillon enregistré et soumis à relecture." : "Brouillon enregistré.";
            return Redirect(Url.Content($"~/espace-editeur/{moduleId}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            Input.WithTierRows();
            return Page();
        }
    }
}

/// <summary>The workspace form: lists as one item per line, prices in euros.</summary>
public sealed class ModuleForm
{
    public string? Slug { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public string? Objectives { get; set; }
    public string? Outline { get; set; }
    public List<string> Themes { get; set; } = [];
    public List<string> Professions { get; set; } = [];
    public ModuleFormat Format { get; set; }
    public ModuleLevel Level { get; set; }
    public decimal DurationHours { get; set; } = 1;
    public decimal PriceIndividual { get; set; }
    public decimal PriceEmployerSeat { get; set; }
    public decimal PriceInstituteLicence { get; set; }
    /// <summary>Employer volume tiers: always <see cref="ModulePrices.MaxEmployerTiers"/> rows on the page, blank rows ignored.</summary>
    public List<TierRow> EmployerTiers { get; set; } = [];
    public string? Prerequisites { get; set; }
    public string? AccessibilityInfo { get; set; }
    public string? CertificationCode { get; set; }
    public bool CpfEligible { get; set; }

    public ModuleContent ToContent() => new()
    {
        Title = Title ?? "",
        Summary = Summary ?? "",
        DescriptionMarkdown = Description ?? "",
        Objectives = Lines(Objectives),
        Outline = Lines(Outline),
        Themes = Themes,
        Professions = Professions,
        Format = Format,
        Level = Level,
        DurationHours = DurationHours,
        Prices = new ModulePrices(Cents(PriceIndividual), Cents(PriceEmployerSeat), Cents(PriceInstituteLicence))
        {
            // A half-filled row becomes a tier with a zero, which the content rules name precisely.
            EmployerTiers = EmployerTiers.Where(t => t.MinimumSeats is not null || t.UnitPrice is not null)
                .Select(t => new EmployerPriceTier(t.MinimumSeats ?? 0, Cents(t.UnitPrice ?? 0))).ToList(),
        },
        Prerequisites = string.IsNullOrWhiteSpace(Prerequisites) ? null : Prerequisites,
        AccessibilityInfo = string.IsNullOrWhiteSpace(AccessibilityInfo) ? null : AccessibilityInfo,
        CertificationCode = CertificationCode,
        CpfEligible = CpfEligible,
    };

    public static ModuleForm From(ModuleContent c) => new ModuleForm
    {
        Title = c.Title, Summary = c.Summary, Description = c.DescriptionMarkdown,
        Objectives = string.Join("\n", c.Objectives), Outline = string.Join("\n", c.Outline),
        Themes = c.Themes, Professions = c.Professions, Format = c.Format, Level = c.Level, DurationHours = c.DurationHours,
        PriceIndividual = c.Prices.IndividualCents / 100m, PriceEmployerSeat = c.Prices.EmployerSeatCents / 100m, PriceInstituteLicence = c.Prices.InstituteLicenceCents / 100m,
        EmployerTiers = c.Prices.EmployerTiers.Select(t => new TierRow { MinimumSeats = t.MinimumSeats, UnitPrice = t.UnitCents / 100m }).ToList(),
        Prerequisites = c.Prerequisites, AccessibilityInfo = c.AccessibilityInfo, CertificationCode = c.CertificationCode, CpfEligible = c.CpfEligible,
    }.WithTierRows();

    /// <summary>Pads the tiers with blank rows up to the maximum, so that the page always offers every row.</summary>
    public ModuleForm WithTierRows()
    {
        while (EmployerTiers.Count < ModulePrices.MaxEmployerTiers) EmployerTiers.Add(new TierRow());
        return this;
    }

    public sealed class TierRow
    {
        public int? MinimumSeats { get; set; }
        public decimal? UnitPrice { get; set; }
    }

    private static List<string> Lines(string? text) => (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
    private static long Cents(decimal euros) => (long)Math.Round(euros * 100m, MidpointRounding.AwayFromZero);
}
