using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Formation.Catalog.Contracts;
using Formation.Insights.Data;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Insights;

/// <summary>
/// Who may rate a module: the learning side answers for its learners (they followed it). No provider registered means
/// nobody can rate yet.
/// </summary>
public interface IModuleRatingEligibility
{
    Task<bool> MayRateAsync(string userId, Guid moduleId, CancellationToken ct = default);
}

/// <summary>Learners enrolled in a module (free or paid, finished or not) may rate it: drop-outs' views count too.</summary>
internal sealed class EnrolledLearnersMayRate(Formation.Learning.Contracts.IEnrolments enrolments) : IModuleRatingEligibility
{
    public async Task<bool> MayRateAsync(string userId, Guid moduleId, CancellationToken ct = default) =>
        await enrolments.FindAsync(userId, moduleId, ct) is not null;
}

public sealed record RatedModule(Guid ModuleId, string TenantId, string Title, double Average, int Ratings, IReadOnlyList<string> Comments);

/// <summary>Learners' ratings of modules, and the poorly rated ones for the needs watch (what the catalogue lacks or does badly).</summary>
public sealed class ModuleRatings(InsightsDbContext db, IEnumerable<IModuleRatingEligibility> eligibility, ICatalogReader catalog, TimeProvider time)
{
    /// <summary>A module is "poorly rated" from this many ratings on, with an average below <see cref="PoorAverage"/>.</summary>
    public const int MinRatings = 3;
    public const double PoorAverage = 3.0;

    public async Task<bool> MayRateAsync(string userId, Guid moduleId, CancellationToken ct = default)
    {
        foreach (var provider in eligibility)
            if (await provider.MayRateAsync(userId, moduleId, ct)) return true;
        return false;
    }

    public Task<ModuleRating?> FindAsync(string userId, Guid moduleId, CancellationToken ct = default) =>
        db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.ModuleId == moduleId, ct);

    /// <summary>Records (or replaces) the learner's rating of a module they followed.</summary>
    public async Task RateAsync(string userId, Guid moduleId, int stars, string? comment, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (stars is < 1 or > 5) errors.Add("Stars", "Choisissez une note de 1 à 5 étoiles.");
        if (comment?.Length > 2000) errors.Add("Comment", "Le commentaire fait 2 000 caractères au plus.");
        errors.ThrowIfAny();
        if (!await MayRateAsync(userId, moduleId, ct))
            throw new ValidationFailedException("Stars", "Vous pourrez donner votre avis sur ce module après l'avoir suivi.");
        var rating = await db.Ratings.FirstOrDefaultAsync(r => r.UserId == userId && r.ModuleId == moduleId, ct);
        if (rating is null) db.Ratings.Add(rating = new ModuleRating { UserId = userId, ModuleId = moduleId });
        rating.Stars = stars;
        rating.Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        rating.CreatedUtc = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Modules rated below <see cref="PoorAverage"/> by at least <see cref="MinRatings"/> learners, worst first.</summary>
    public async Task<IReadOnlyList<RatedModule>> PoorlyRatedAsync(bool allPortals, CancellationToken ct = default)
    {
        var rows = allPortals ? db.Ratings.IgnoreQueryFilters() : db.Ratings;
        var groups = await rows.AsNoTracking()
            .GroupBy(r => new { r.TenantId, r.ModuleId })
            .Select(g => new { g.Key.TenantId, g.Key.ModuleId, Average = g.Average(r => (double)r.Stars), Count = g.Count() })
            .Where(g => g.Count >= MinRatings && g.Average < PoorAverage)
            .ToListAsync(ct);
        var result = new List<RatedModule>();
        foreach (var g in groups.OrderBy(g => g.Average).ThenByDescending(g => g.Count).Take(50))
        {
            var module = await catalog.GetLastPublishedAsync(g.ModuleId, ct);
            var comments = await rows.AsNoTracking().Where(r => r.TenantId == g.TenantId && r.ModuleId == g.ModuleId && r.Comment != null)
                .OrderByDescending(r => r.CreatedUtc).Select(r => r.Comment!).Take(3).ToListAsync(ct);
            result.Add(new RatedModule(g.ModuleId, g.TenantId, module?.Title ?? "(module supprimé)", Math.Round(g.Average, 1), g.Count, comments));
        }
        return result;
    }

    /// <summary>The poorly rated modules as CSV (semicolon-separated, UTF-8 with BOM).</summary>
    public static byte[] ToCsv(IEnumerable<RatedModule> modules)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.GetCultureInfo("fr-FR")) { Delimiter = ";" }))
        {
            foreach (var header in new[] { "portail", "module", "note_moyenne", "avis", "commentaires" }) csv.WriteField(header);
            csv.NextRecord();
            foreach (var m in modules)
            {
                csv.WriteField(m.TenantId);
                csv.WriteField(NeedsWatch.SafeCell(m.Title));
                csv.WriteField(m.Average.ToString("0.0", CultureInfo.GetCultureInfo("fr-FR")));
                csv.WriteField(m.Ratings);
                csv.WriteField(NeedsWatch.SafeCell(string.Join(" / ", m.Comments)));
                csv.NextRecord();
            }
        }
        return stream.ToArray();
    }
}
