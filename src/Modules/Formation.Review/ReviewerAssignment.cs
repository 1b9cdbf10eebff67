namespace Formation.Review;

/// <summary>An expert who may review modules: their themes of expertise and the institute they belong to, if any.</summary>
public sealed record Reviewer(string UserId, string Name, IReadOnlySet<string> Themes, Guid? InstituteId, bool IsLead = false, bool Active = true);

/// <summary>
/// Chooses independent experts for a module version: never a member of the publishing institute; experts of the
/// module's themes first (most themes in common), then the least loaded; ties broken by name, so the choice is stable.
/// </summary>
public static class ReviewerAssignment
{
    public const int ReviewersPerRound = 2;

    public static IReadOnlyList<Reviewer> Choose(
        IReadOnlyCollection<string> moduleThemes, Guid publisherId, IEnumerable<Reviewer> reviewers,
        IReadOnlyDictionary<string, int> openTasksByReviewer, IReadOnlySet<string>? exclude = null, int count = ReviewersPerRound)
    {
        var eligible = reviewers.Where(r => r.Active && r.InstituteId != publisherId && (exclude is null || !exclude.Contains(r.UserId)));
        return eligible
            .Select(r => (Reviewer: r, Shared: r.Themes.Count(moduleThemes.Contains), Load: openTasksByReviewer.GetValueOrDefault(r.UserId)))
            .OrderByDescending(x => x.Shared > 0)
            .ThenByDescending(x => x.Shared)
            .ThenBy(x => x.Load)
            .ThenBy(x => x.Reviewer.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), ignoreCase: true))
            .Take(count)
            .Select(x => x.Reviewer)
            .ToList();
    }

    /// <summary>The lead reviewer who settles a disagreement: an active lead outside the publishing institute and not one of the round's reviewers.</summary>
    public static Reviewer? ChooseLead(Guid publisherId, IEnumerable<Reviewer> reviewers, IReadOnlySet<string> roundReviewers, IReadOnlyDictionary<string, int> openTasksByReviewer) =>
        reviewers.Where(r => r.Active && r.IsLead && r.InstituteId != publisherId && !roundReviewers.Contains(r.UserId))
            .OrderBy(r => openTasksByReviewer.GetValueOrDefault(r.UserId)).ThenBy(r => r.Name, StringComparer.Ordinal)
            .FirstOrDefault();
}
