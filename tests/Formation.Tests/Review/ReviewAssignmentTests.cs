using Formation.Review;

namespace Formation.Tests.Review;

public class ReviewAssignmentTests
{
    private static readonly Guid Publisher = Guid.NewGuid();
    private static readonly Guid OtherInstitute = Guid.NewGuid();

    private static Reviewer R(string name, string[] themes, Guid? institute = null, bool lead = false, bool active = true) =>
        new(name.ToLowerInvariant(), name, themes.ToHashSet(), institute, lead, active);

    [Fact]
    public void A_reviewer_is_never_offered_a_module_of_their_own_institute()
    {
        var reviewers = new[] { R("Anne", ["mna"], Publisher), R("Bruno", ["mna"], Publisher), R("Chloé", ["handicap"], OtherInstitute), R("David", [], null) };
        var chosen = ReviewerAssignment.Choose(["mna"], Publisher, reviewers, new Dictionary<string, int>());
        Assert.Equal(["Chloé", "David"], chosen.Select(r => r.Name).Order());
        Assert.DoesNotContain(chosen, r => r.InstituteId == Publisher);
    }

    [Fact]
    public void Experts_of_the_themes_come_first_then_the_least_loaded()
    {
        var reviewers = new[] { R("Anne", ["mna", "attachement"]), R("Bruno", ["mna"]), R("Chloé", ["mna"]), R("David", ["handicap"]) };
        var loads = new Dictionary<string, int> { ["anne"] = 9, ["bruno"] = 3, ["chloé"] = 1 };
        var chosen = ReviewerAssignment.Choose(["mna", "attachement"], Publisher, reviewers, loads);
        Assert.Equal(["Anne", "Chloé"], chosen.Select(r => r.Name));
    }

    [Fact]
    public void Inactive_and_excluded_reviewers_are_skipped()
    {
        var reviewers = new[] { R("Anne", ["mna"], active: false), R("Bruno", ["mna"]), R("Chloé", ["mna"]), R("David", ["mna"]) };
        var chosen = ReviewerAssignment.Choose(["mna"], Publisher, reviewers, new Dictionary<string, int>(), exclude: new HashSet<string> { "bruno" });
        Assert.Equal(["Chloé", "David"], chosen.Select(r => r.Name));
    }

    [Fact]
    public void The_lead_settling_a_disagreement_is_outside_the_round_and_the_institute()
    {
        var reviewers = new[] { R("Anne", [], lead: true), R("Bruno", [], Publisher, lead: true), R("Chloé", [], lead: true) };
        var lead = ReviewerAssignment.ChooseLead(Publisher, reviewers, new HashSet<string> { "anne" }, new Dictionary<string, int>());
        Assert.Equal("Chloé", lead?.Name);
    }

    [Fact]
    public void The_grid_averages_weighted_scores_and_names_what_is_missing()
    {
        var grid = CriteriaGrid.Default;
        var scores = grid.Criteria.ToDictionary(c => c.Key, _ => 3);
        scores["cadre-legal"] = 1;
        Assert.Equal((3 * 4 + 1 * 2) / 6.0, grid.Average(scores));
        scores.Remove("pedagogie");
        scores["inconnu"] = 9;
        Assert.Null(grid.Average(scores));
        var problems = grid.Check(scores);
        Assert.Contains("Notez le critère « Qualité pédagogique ».", problems);
        Assert.Contains("Critère inconnu : inconnu.", problems);
    }
}
