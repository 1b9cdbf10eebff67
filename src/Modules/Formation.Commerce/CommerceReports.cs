using System.Globalization;
using System.Text;
using Formation.Catalog.Contracts;
using Formation.Commerce.Data;
using Formation.Identity.Data;
using Formation.Learning.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Formation.Commerce;

public sealed record MonthSpending(string Month, long Cents);

public sealed record StaffProgressRow(string UserId, string Name, string Email, string ModuleTitle, string Status, DateTimeOffset? StartedUtc, DateTimeOffset? CompletedUtc, string? CertificateCode);

public sealed record InstituteSaleRow(DateTimeOffset PaidUtc, string TenantId, string ModuleTitle, BuyerKind Kind, int Quantity, long NetCents, long VatCents, long RefundedCents);

public sealed record PayoutStatement(long GrossCents, long VatCents, long RefundedCents, decimal CommissionPercent, long CommissionCents, long OwedCents);

/// <summary>The employer space's and institute space's figures.</summary>
public sealed class CommerceReports(CommerceDbContext db, CommercePeople people, ILearnerProgress progress, ICatalogReader catalog, IConfiguration configuration)
{
    /// <summary>Paid spending per month (refunds deducted), the last 12 months that have any.</summary>
    public async Task<List<MonthSpending>> SpendingAsync(Guid organisationId, CancellationToken ct)
    {
        var orders = await db.Orders.AsNoTracking().Where(o => o.BuyerOrganisationId == organisationId && o.PaidUtc != null).ToListAsync(ct);
        return orders.GroupBy(o => o.PaidUtc!.Value.ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key).TakeLast(12)
            .Select(g => new MonthSpending(g.Key, g.Sum(o => o.TotalCents - o.RefundedCents))).ToList();
    }

    public async Task<List<StaffProgressRow>> StaffAsync(Guid organisationId, CancellationToken ct)
    {
        var members = people.MembersOf(organisationId);
        var rows = await progress.ForUsersAsync(members.Select(m => m.Id).ToList(), ct);
        var modules = (await catalog.GetPublishedManyAsync(rows.Select(r => r.ModuleId).Distinct().ToList(), ct)).ToDictionary(m => m.Id, m => m.Title);
        var result = new List<StaffProgressRow>();
        foreach (var member in members)
        {
            var mine = rows.Where(r => r.UserId == member.Id).ToList();
            if (mine.Count == 0) result.Add(new StaffProgressRow(member.Id, member.DisplayName, member.Email ?? "", "—", "Aucune formation", null, null, null));
            foreach (var r in mine)
                result.Add(new StaffProgressRow(member.Id, member.DisplayName, member.Email ?? "", modules.GetValueOrDefault(r.ModuleId, "Module retiré"),
                    r.CompletedUtc is not null ? "Terminée" : r.ClosedUtc is not null ? "Accès clos" : r.StartedUtc is not null ? "En cours" : "À commencer",
                    r.StartedUtc, r.CompletedUtc, r.CertificateCode));
        }
        return result;
    }

    /// <summary>CSV (semicolon, UTF-8 with BOM for spreadsheets); cells starting with = + - @ are quoted with a leading apostrophe (formula injection).</summary>
    public static byte[] StaffCsv(IEnumerable<StaffProgressRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("nom;email;formation;statut;commencee_le;terminee_le;certificat");
        static string Cell(string? v)
        {
            v ??= "";
            if (v.Length > 0 && "=+-@\t\r".Contains(v[0])) v = "'" + v;
            return v.Contains(';') || v.Contains('"') || v.Contains('\n') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
        }
        foreach (var r in rows)
            sb.AppendLine(string.Join(';', Cell(r.Name), Cell(r.Email), Cell(r.ModuleTitle), Cell(r.Status),
                Cell(r.StartedUtc?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), Cell(r.CompletedUtc?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), Cell(r.CertificateCode)));
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    /// <summary>Sales of an institute's modules on every portal (the seller's own rows, read across portals on purpose).</summary>
    public async Task<List<InstituteSaleRow>> SalesAsync(string sellerTenantId, Guid instituteId, CancellationToken ct)
    {
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.SellerTenantId == sellerTenantId && l.SellerInstituteId == instituteId).ToListAsync(ct);
        var orderIds = lines.Select(l => l.OrderId).Distinct().ToList();
        var orders = await db.Orders.IgnoreQueryFilters().AsNoTracking().Where(o => orderIds.Contains(o.Id) && o.PaidUtc != null).ToDictionaryAsync(o => o.Id, ct);
        return lines.Where(l => orders.ContainsKey(l.OrderId)).Select(l =>
        {
            var o = orders[l.OrderId];
            return new InstituteSaleRow(o.PaidUtc!.Value, o.TenantId, l.ModuleTitle, o.BuyerKind, l.Quantity, l.NetCents, l.VatCents, l.RefundedCents);
        }).OrderByDescending(r => r.PaidUtc).ToList();
    }

    /// <summary>What the platform owes the institute: collected amounts less refunds and the platform's commission on the net amount.</summary>
    public PayoutStatement Payout(IReadOnlyList<InstituteSaleRow> sales)
    {
        var percent = configuration.GetValue<decimal?>("Commerce:CommissionPercent") ?? 10m;
        var gross = sales.Sum(s => s.NetCents);
        var vat = sales.Sum(s => s.VatCents);
        var refunded = sales.Sum(s => s.RefundedCents);
        // Commission on the net (HT) amount kept, refunds excluded pro rata.
        var keptNet = sales.Sum(s => s.NetCents + s.VatCents == 0 ? 0 : s.NetCents - (long)Math.Round(s.RefundedCents * (decimal)s.NetCents / (s.NetCents + s.VatCents), MidpointRounding.AwayFromZero));
        var commission = (long)Math.Round(keptNet * percent / 100m, MidpointRounding.AwayFromZero);
        return new PayoutStatement(gross, vat, refunded, percent, commission, gross + vat - refunded - commission);
    }
}
