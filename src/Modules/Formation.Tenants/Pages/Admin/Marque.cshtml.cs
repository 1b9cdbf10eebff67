using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Tenants.Pages.Admin;

/// <summary>A portal's admins choose its theme and brand, without code.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class MarqueModel(TenantAdministration admin, TenantContext tenant, ModuleCatalog catalog) : PageModel
{
    [BindProperty] public BrandInput Input { get; set; } = new();
    [BindProperty] public IFormFile? Logo { get; set; }
    [TempData] public bool Saved { get; set; }
    public IEnumerable<ThemeManifest> Themes => catalog.Themes;

    public sealed class BrandInput
    {
        public string ThemeId { get; set; } = "dsfr";
        public string SiteTitle { get; set; } = "";
        public string? Tagline { get; set; }
        public string? OperatorName { get; set; }
        public string PrimaryColor { get; set; } = "#000091";
        public string? FooterLinks { get; set; }
        public string? LegalNotice { get; set; }
        public string? AccessibilityStatement { get; set; }
    }

    public void OnGet()
    {
        var t = tenant.Required;
        Input = new BrandInput
        {
            ThemeId = t.ThemeId,
            SiteTitle = t.Brand.SiteTitle,
            Tagline = t.Brand.Tagline,
            OperatorName = t.Brand.OperatorName,
            PrimaryColor = t.Brand.PrimaryColor,
            FooterLinks = string.Join("\n", t.Brand.FooterLinks.Select(l => $"{l.Text} | {l.Url}")),
            LegalNotice = t.Brand.LegalNotice,
            AccessibilityStatement = t.Brand.AccessibilityStatement,
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var id = tenant.Required.Id;
        try
        {
            var links = ParseLinks(Input.FooterLinks);
            await admin.UpdateBrandAsync(id, new TenantBrand
            {
                SiteTitle = Input.SiteTitle?.Trim() ?? "",
                Tagline = Blank(Input.Tagline),
                OperatorName = Blank(Input.OperatorName),
                PrimaryColor = Input.PrimaryColor?.Trim() ?? "",
                FooterLinks = links,
                LegalNotice = Blank(Input.LegalNotice),
                AccessibilityStatement = Blank(Input.AccessibilityStatement),
            }, ct);
            await admin.SetThemeAsync(id, Input.ThemeId, ct);
            if (Logo is { Length: > 0 })
            {
                if (Logo.Length > TenantAdministration.MaxLogoBytes) throw new ValidationFailedException("Logo", "Le logo doit peser moins de 512 Ko.");
                using var memory = new MemoryStream();
                await Logo.CopyToAsync(memory, ct);
                await admin.SetLogoAsync(id, memory.ToArray(), allowSvg: false, ct);
            }
            Saved = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static List<FooterLink> ParseLinks(string? text)
    {
        var links = new List<FooterLink>();
        foreach (var (line, index) in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select((l, i) => (l, i)))
        {
            var parts = line.Split('|', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new ValidationFailedException("FooterLinks", $"Ligne {index + 1} : écrivez « texte | adresse ».");
            links.Add(new FooterLink(parts[0], parts[1]));
        }
        return links;
    }
}
