using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Formation.Catalog.Contracts;
using Formation.Insights.Data;
using Formation.Search;
using Formation.Shell.Places;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Insights;

public sealed record StateNeed(string Theme, string? Profession, string Territory, int People, NeedUrgency Urgency, string? Comment);

public sealed record NeedRow(string TenantId, string Theme, string? Profession, string Territory, int People, NeedUrgency Urgency, string SubmittedAs, DateTimeOffset CreatedUtc, string? Comment);

/// <summary>The needs watch of a portal (or of every portal, for platform operators): needs stated, and searches that found nothing.</summary>
public sealed record NeedsDashboard(
    IReadOnlyList<NeedRow> Needs,
    IReadOnlyList<(string Theme, int People, int Requests)> ByTheme,
    IReadOnlyList<(string Territory, int People)> ByTerritory,
    IReadOnlyList<ZeroResultQueryDto> ZeroResultSearches)
{
    public int TotalPeople => Needs.Sum(n => n.People);
}

/// <summary>Training-needs watch: learners and employers state needs; operators read them with searches that found nothing.</summary>
public sealed class NeedsWatch(InsightsDbContext db, ISearchAnalytics search, TimeProvider time)
{
    public const int MaxPeople = 10_000;

    public async Task StateAsync(StateNeed need, string submittedAs, string? userId, Guid? organisationId, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (!Taxonomy.Themes.ContainsKey(need.Theme ?? "")) errors.Add(nameof(need.Theme), "Choisissez une thématique.");
        if (need.Profession is not null && !Taxonomy.Professions.ContainsKey(need.Profession)) errors.Add(nameof(need.Profession), "Métier inconnu.");
        if (!Territories.Departements.ContainsKey(need.Territory ?? "")) errors.Add(nameof(need.Territory), "Choisissez un département.");
        if (need.People is < 1 or > MaxPeople) errors.Add(nameof(need.People), $"Indiquez un nombre de personnes entre 1 et {MaxPeople:N0}.");
        if (need.Comment?.Length > 2000) errors.Add(nameof(need.Comment), "Le commentaire fait 2 000 caractères au plus.");
        if (!Enum.IsDefined(need.Urgency)) errors.Add(nameof(need.Urgency), "Urgence inconnue.");
        errors.ThrowIfAny();
        db.Needs.Add(new TrainingNeed
        {
            Theme = need.Theme!, Profession = need.Profession, Territory = need.Territory!, People = need.People, Urgency = need.Urgency,
            Comment = string.IsNullOrWhiteSpace(need.Comment) ? null : need.Comment.Trim(), SubmittedAs = submittedAs,
            SubmittedByUserId = userId, OrganisationId = organisationId, CreatedUtc = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<NeedsDashboard> DashboardAsync(bool allPortals, CancellationToken ct = default)
    {
        var rows = allPortals ? db.Needs.IgnoreQueryFilters() : db.Needs;
        var needs = await rows.AsNoTracking().OrderByDescending(n => n.CreatedUtc)
            .Select(n => new NeedRow(n.TenantId, n.Theme, n.Profession, n.Territory, n.People, n.Urgency, n.SubmittedAs, n.CreatedUtc, n.Comment))
            .ToListAsync(ct);
        var byTheme = needs.GroupBy(n => n.Theme).Select(g => (g.Key, g.Sum(n => n.People), g.Count())).OrderByDescending(t => t.Item2).ToList();
        var byTerritory = needs.GroupBy(n => n.Territory).Select(g => (g.Key, g.Sum(n => n.People))).OrderByDescending(t => t.Item2).ToList();
        return new NeedsDashboard(needs, byTheme, byTerritory, await search.ZeroResultQueriesAsync(allPortals, 20, ct));
    }

    /// <summary>The needs as CSV (semicolon-separated, UTF-8 with BOM: what French spreadsheets open directly).</summary>
    public static byte[] ToCsv(IEnumerable<NeedRow> needs)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.GetCultureInfo("fr-FR")) { Delimiter = ";" }))
        {
            foreach (var header in new[] { "portail", "date", "thematique", "metier", "departement", "personnes", "urgence", "demandeur", "commentaire" }) csv.WriteField(header);
            csv.NextRecord();
            foreach (var n in needs)
            {
                csv.WriteField(n.TenantId);
                csv.WriteField(n.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                csv.WriteField(Taxonomy.Themes.GetValueOrDefault(n.Theme, n.Theme));
                csv.WriteField(n.Profession is null ? "" : Taxonomy.Professions.GetValueOrDefault(n.Profession, n.Profession));
                csv.WriteField(Territories.Label(n.Territory));
                csv.WriteField(n.People);
                csv.WriteField(UrgencyLabel(n.Urgency));
                csv.WriteField(n.SubmittedAs == "employer" ? "Employeur" : "Apprenant·e");
                csv.WriteField(SafeCell(n.Comment ?? ""));
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }

    /// <summary>Cells starting with = + - @ are read as formulas by spreadsheets: neutralise them (CSV injection).</summary>
    public static string SafeCell(string value) => value.Length > 0 && "=+-@\t\r".Contains(value[0]) ? "'" + value : value;

    public static string UrgencyLabel(NeedUrgency urgency) => urgency switch
    {
        NeedUrgency.Urgent => "Urgent (sous 3 mois)",
        NeedUrgency.WithinSixMonths => "Dans les 6 mois",
        _ => "Dans l'année",
    };
}
