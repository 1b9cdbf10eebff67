using Formation.Commerce.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Employeur;

/// <summary>The employer space: seat pools per module, spending summary with its chart.</summary>
[Authorize(Roles = Formation.Shell.Security.Roles.EmployerManager)]
public sealed class IndexModel(SeatLedger ledger, CommerceReports reports, CommercePeople people) : PageModel
{
    public string? Employer { get; private set; }
    public List<SeatPool> Pools { get; private set; } = [];
    public ILookup<Guid, Seat> Seats { get; private set; } = Array.Empty<Seat>().ToLookup(s => s.PoolId);
    public List<MonthSpending> Spending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var employer = await people.EmployerOfAsync(User, ct);
        if (employer is null) return;
        Employer = employer.Name;
        Pools = await ledger.PoolsOfAsync(employer.Id, ct);
        Seats = (await ledger.SeatsOfAsync(Pools.Select(p => p.Id).ToList(), ct)).ToLookup(s => s.PoolId);
        Spending = await reports.SpendingAsync(employer.Id, ct);
    }

    /// <summary>A horizontal bar chart (SVG), described by the table that follows it.</summary>
    public static Microsoft.AspNetCore.Html.HtmlString Chart(IReadOnlyList<MonthSpending> spending)
    {
        var max = Math.Max(1, spending.Max(s => s.Cents));
        var height = spending.Count * 32 + 8;
        var sb = new System.Text.StringBuilder($"<svg role=\"img\" aria-labelledby=\"depenses-titre\" width=\"100%\" height=\"{height}\" viewBox=\"0 0 600 {height}\" preserveAspectRatio=\"xMinYMin meet\">");
        for (var i = 0; i < spending.Count; i++)
        {
            var s = spending[i];
            var w = Math.Max(2, (int)(380.0 * s.Cents / max));
            static string enc(string v) => System.Net.WebUtility.HtmlEncode(v);
            sb.Append($"<text x=\"0\" y=\"{i * 32 + 22}\" font-size=\"14\">{enc(s.Month)}</text><rect x=\"80\" y=\"{i * 32 + 6}\" width=\"{w}\" height=\"22\" fill=\"#000091\"></rect><text x=\"{88 + w}\" y=\"{i * 32 + 22}\" font-size=\"14\">{enc(Pricing.Euros(s.Cents))}</text>");
        }
        return new(sb.Append("</svg>").ToString());
    }
}
