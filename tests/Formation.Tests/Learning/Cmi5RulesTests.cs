using System.Text.Json.Nodes;
using Formation.Learning.Launch;
using Formation.Learning.Packages;

namespace Formation.Tests.Learning;

/// <summary>moveOn evaluation and the cmi5 statement rules, as pure functions.</summary>
public sealed class Cmi5RulesTests
{
    private static AuNode Au(string id, string moveOn) => new(id, id, null, id + ".html", moveOn, null, "AnyWindow", null, null, null);
    private static readonly AuFacts None = new(false, false, false, false, null, TimeSpan.Zero, null);

    [Theory]
    [InlineData(MoveOn.Passed, false, true, true)]
    [InlineData(MoveOn.Passed, true, false, false)]
    [InlineData(MoveOn.Completed, true, false, true)]
    [InlineData(MoveOn.Completed, false, true, false)]
    [InlineData(MoveOn.CompletedAndPassed, true, false, false)]
    [InlineData(MoveOn.CompletedAndPassed, true, true, true)]
    [InlineData(MoveOn.CompletedOrPassed, false, true, true)]
    [InlineData(MoveOn.CompletedOrPassed, false, false, false)]
    [InlineData(MoveOn.NotApplicable, false, false, true)]
    public void MoveOn_values_decide_an_AU(string moveOn, bool completed, bool passed, bool satisfied) =>
        Assert.Equal(satisfied, MoveOnEvaluator.IsSatisfied(moveOn, None with { Completed = completed, Passed = passed }));

    [Fact]
    public void A_waived_AU_is_satisfied_whatever_its_moveOn() =>
        Assert.True(MoveOnEvaluator.IsSatisfied(MoveOn.CompletedAndPassed, None with { Waived = true }));

    [Fact]
    public void Blocks_and_the_course_are_satisfied_when_all_their_children_are()
    {
        var course = new CourseStructure("c", "C", null,
        [
            new(null, new BlockNode("b1", "B1", null, [new(Au("a1", MoveOn.Completed), null), new(null, new BlockNode("b2", "B2", null, [new(Au("a2", MoveOn.Passed), null)]))])),
            new(Au("a3", MoveOn.NotApplicable), null),
        ]);
        var facts = new Dictionary<string, AuFacts> { ["a1"] = None with { Completed = true }, ["a2"] = None, ["a3"] = None };
        var partial = MoveOnEvaluator.Evaluate(course, id => facts[id]);
        Assert.Equal(["a1", "a3"], partial.SatisfiedAus.Order());
        Assert.Empty(partial.SatisfiedBlocks);
        Assert.False(partial.CourseSatisfied);

        facts["a2"] = None with { Passed = true };
        var full = MoveOnEvaluator.Evaluate(course, id => facts[id]);
        Assert.Equal(["b1", "b2"], full.SatisfiedBlocks.Order());
        Assert.True(full.CourseSatisfied);
    }

    private static readonly Guid Registration = Guid.NewGuid();
    private const string Activity = "urn:uuid:00000000-0000-5000-8000-000000000001";

    private static SessionRuleContext Ctx(string mode = LaunchModes.Normal, decimal? mastery = null, params (string Verb, string? Session)[] prior) =>
        new("s1", Registration, Activity, mode, mastery, prior.Select(p => (p.Verb, Activity, p.Session)).ToList());

    private static JsonObject S(string verb, JsonObject? result = null, bool moveOn = false, string session = "s1", double? mastery = null, string? objectId = null)
    {
        var categories = new JsonArray(new JsonObject { ["id"] = Cmi5Vocabulary.CategoryCmi5 });
        if (moveOn) categories.Add(new JsonObject { ["id"] = Cmi5Vocabulary.CategoryMoveOn });
        var ext = new JsonObject { [Cmi5Vocabulary.SessionIdExtension] = session };
        if (mastery is not null) ext[Cmi5Vocabulary.MasteryScoreExtension] = mastery;
        var s = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = "2026-11-27T10:00:00.000Z",
            ["verb"] = new JsonObject { ["id"] = verb },
            ["object"] = new JsonObject { ["id"] = objectId ?? Activity },
            ["context"] = new JsonObject { ["registration"] = Registration.ToString(), ["contextActivities"] = new JsonObject { ["category"] = categories }, ["extensions"] = ext },
        };
        if (result is not null) s["result"] = result;
        return s;
    }

    private static JsonObject Done(bool completion = true) => new() { ["completion"] = completion, ["duration"] = "PT1M" };
    private static JsonObject Outcome(bool success, double? scaled = null) =>
        scaled is null ? new() { ["success"] = success, ["duration"] = "PT1M" } : new() { ["success"] = success, ["duration"] = "PT1M", ["score"] = new JsonObject { ["scaled"] = scaled } };
    private static readonly (string, string?) Init = (Cmi5Vocabulary.Initialized, "s1");

    [Fact]
    public void The_first_statement_is_initialized_and_only_once()
    {
        Assert.Null(Cmi5SessionRules.Check(Ctx(), S(Cmi5Vocabulary.Initialized)));
        Assert.Contains("initialized", Cmi5SessionRules.Check(Ctx(), S(Cmi5Vocabulary.Completed, Done(), moveOn: true)));
        Assert.Contains("déjà initialisée", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Initialized)));
    }

    [Fact]
    public void Nothing_goes_after_terminated_or_abandoned()
    {
        Assert.Contains("terminée", Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Terminated, "s1")]), S("http://adlnet.gov/expapi/verbs/experienced")));
        Assert.Contains("abandonnée", Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Abandoned, "s1")]), S(Cmi5Vocabulary.Terminated, new JsonObject { ["duration"] = "PT1M" })));
    }

    [Fact]
    public void Completed_once_per_registration_in_normal_mode_with_completion()
    {
        Assert.Null(Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, Done(), moveOn: true)));
        Assert.Contains("déjà terminée", Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Completed, "s0")]), S(Cmi5Vocabulary.Completed, Done(), moveOn: true)));
        Assert.Contains("completion", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, Done(false), moveOn: true)));
        Assert.Contains("Browse", Cmi5SessionRules.Check(Ctx(LaunchModes.Browse, prior: Init), S(Cmi5Vocabulary.Completed, Done(), moveOn: true)));
        Assert.Contains("moveon", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, Done())));
    }

    [Fact]
    public void Every_AU_statement_has_an_id_a_UTC_timestamp_and_the_learner_as_agent()
    {
        JsonObject Altered(Action<JsonObject> alter) { var s = S(Cmi5Vocabulary.Completed, Done(), moveOn: true); alter(s); return s; }
        Assert.Contains("(id)", Cmi5SessionRules.Check(Ctx(prior: Init), Altered(s => s.Remove("id"))));
        Assert.Contains("timestamp", Cmi5SessionRules.Check(Ctx(prior: Init), Altered(s => s.Remove("timestamp"))));
        Assert.Contains("UTC", Cmi5SessionRules.Check(Ctx(prior: Init), Altered(s => s["timestamp"] = "2026-11-27T10:00:00.000-06:00")));
        Assert.Null(Cmi5SessionRules.Check(Ctx(prior: Init), Altered(s => s["timestamp"] = "2026-11-27T10:00:00.000+00:00")));
        Assert.Contains("Agent", Cmi5SessionRules.Check(Ctx(prior: Init), Altered(s => s["actor"] = new JsonObject { ["objectType"] = "Group" })));
        var allowed = S("http://adlnet.gov/expapi/verbs/experienced");
        allowed["context"]!["contextActivities"]!["category"] = new JsonArray(new JsonObject { ["id"] = Cmi5Vocabulary.CategoryMoveOn });
        Assert.Contains("moveon", Cmi5SessionRules.Check(Ctx(prior: Init), allowed));
    }

    [Fact]
    public void Each_outcome_carries_only_its_own_result_fields()
    {
        Assert.Contains("success", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, new JsonObject { ["completion"] = true, ["success"] = true, ["duration"] = "PT1M" }, moveOn: true)));
        Assert.Contains("score", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, new JsonObject { ["completion"] = true, ["score"] = new JsonObject { ["scaled"] = 0.5 }, ["duration"] = "PT1M" }, moveOn: true)));
        var withCompletion = Outcome(true); withCompletion["completion"] = true;
        Assert.Contains("completion", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Passed, withCompletion, moveOn: true)));
        var rawOnly = Outcome(true); rawOnly["score"] = new JsonObject { ["raw"] = 90, ["max"] = 100 };
        Assert.Contains("min, max", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Passed, rawOnly, moveOn: true)));
    }

    [Fact]
    public void Passed_and_failed_follow_the_mastery_score()
    {
        Assert.Null(Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Passed, Outcome(true, 0.8), moveOn: true, mastery: 0.7)));
        Assert.Contains("sous le seuil", Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Passed, Outcome(true, 0.5), moveOn: true, mastery: 0.7)));
        Assert.Contains("atteint le seuil", Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Failed, Outcome(false, 0.9), moveOn: true, mastery: 0.7)));
        // Without a score the AU's own judgement stands (CATAPULT 001 passes without one).
        Assert.Null(Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Passed, Outcome(true), moveOn: true, mastery: 0.7)));
        Assert.Contains("masteryScore", Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Passed, Outcome(true, 0.9), moveOn: true, mastery: 0.5)));
        Assert.Contains("masteryScore", Cmi5SessionRules.Check(Ctx(mastery: 0.7m, prior: Init), S(Cmi5Vocabulary.Passed, Outcome(true, 0.9), moveOn: true)));
        Assert.Contains("déjà réussie", Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Passed, "s0")]), S(Cmi5Vocabulary.Failed, Outcome(false), moveOn: true)));
        Assert.Contains("qu'une fois", Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Failed, "s1")]), S(Cmi5Vocabulary.Failed, Outcome(false), moveOn: true)));
        Assert.Null(Cmi5SessionRules.Check(Ctx(prior: [Init, (Cmi5Vocabulary.Failed, "s0")]), S(Cmi5Vocabulary.Passed, Outcome(true), moveOn: true)));
    }

    [Fact]
    public void The_LMS_verbs_the_session_id_and_the_object_are_guarded()
    {
        Assert.Contains("réservé au LMS", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Satisfied)));
        Assert.Contains("réservé au LMS", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Waived)));
        Assert.Contains("session", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Terminated, new JsonObject { ["duration"] = "PT1M" }, session: "autre")));
        Assert.Contains("activityId", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Completed, Done(), moveOn: true, objectId: "https://autre.test/au")));
        Assert.Contains("duration", Cmi5SessionRules.Check(Ctx(prior: Init), S(Cmi5Vocabulary.Terminated)));
        // cmi5 "allowed" statements: fine between initialized and terminated, but not in the cmi5 category.
        Assert.Null(Cmi5SessionRules.Check(Ctx(prior: Init), S("http://adlnet.gov/expapi/verbs/answered", objectId: "https://exemple.test/q1") .Also(s => s["context"]!["contextActivities"]!["category"] = new JsonArray())));
        Assert.Contains("catégorie cmi5", Cmi5SessionRules.Check(Ctx(prior: Init), S("http://adlnet.gov/expapi/verbs/answered", objectId: "https://exemple.test/q1")));
    }

    [Fact]
    public void Activity_ids_are_stable_per_package_and_never_the_publisher_id()
    {
        var package = Guid.NewGuid();
        var id = Cmi5Ids.ActivityId(package, "https://exemple.test/au");
        Assert.Equal(id, Cmi5Ids.ActivityId(package, "https://exemple.test/au"));
        Assert.NotEqual(id, Cmi5Ids.ActivityId(Guid.NewGuid(), "https://exemple.test/au"));
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/windows")]
    [InlineData("a\\..\\..\\x")]
    public void Zip_entry_names_that_escape_are_refused(string name) =>
        Assert.Throws<PackageRejectedException>(() => SafeZip.EntryPath(name));
}

internal static class JsonTestExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change) { change(o); return o; }
}
