using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Review.Pages.Admin;

/// <summary>Review settings: due days, reminders, reviewers' anonymity and the criteria grid.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class ReviewSettingsModel(ReviewSettingsStore store) : PageModel
{
    [BindProperty] public int DueDays { get; set; }
    [BindProperty] public int ReminderDaysBefore { get; set; }
    [BindProperty] public bool ShowReviewerIdentities { get; set; }
    [BindProperty] public int ReReviewDays { get; set; } = 365;
    [BindProperty] public string? Grid { get; set; }
    [TempData] public bool Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var s = await store.GetAsync(ct);
        (DueDays, ReminderDaysBefore, ShowReviewerIdentities, ReReviewDays) = (s.DueDays, s.ReminderDaysBefore, s.ShowReviewerIdentities, s.ReReviewDays);
        Grid = string.Join("\n", s.Grid.Criteria.Select(c => $"{c.Key} | {c.Label} | {c.Guidance} | {c.Weight}"));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await store.SaveAsync(new ReviewSettings(ParseGrid(Grid), DueDays, ReminderDaysBefore, ShowReviewerIdentities, ReReviewDays), ct);
            Saved = true;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex, "");
            return Page();
        }
    }

    private static CriteriaGrid ParseGrid(string? text)
    {
        var criteria = new List<Criterion>();
        foreach (var (line, i) in (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select((l, i) => (l, i)))
        {
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != 4 || !System.Text.RegularExpressions.Regex.IsMatch(parts[0], "^[a-z0-9-]{1,40}$") || parts[1].Length == 0
                || !int.TryParse(parts[3], out var weight) || weight is < 1 or > 5)
                throw new ValidationFailedException("Grid", $"Ligne {i + 1} : écrivez « clé | libellé | consignes | coefficient » (clé en minuscules et tirets, coefficient de 1 à 5).");
            if (criteria.Any(c => c.Key == parts[0])) throw new ValidationFailedException("Grid", $"Ligne {i + 1} : la clé « {parts[0]} » est déjà utilisée.");
            criteria.Add(new Criterion(parts[0], parts[1], parts[2], weight));
        }
        return new CriteriaGrid(criteria);
    }
}
