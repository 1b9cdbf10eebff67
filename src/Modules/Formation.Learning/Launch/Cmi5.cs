using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Formation.Learning.Packages;

namespace Formation.Learning.Launch;

/// <summary>cmi5 identifiers (spec sections 9.3, 9.6, 10).</summary>
public static class Cmi5Vocabulary
{
    public const string Launched = "http://adlnet.gov/expapi/verbs/launched";
    public const string Initialized = "http://adlnet.gov/expapi/verbs/initialized";
    public const string Completed = "http://adlnet.gov/expapi/verbs/completed";
    public const string Passed = "http://adlnet.gov/expapi/verbs/passed";
    public const string Failed = "http://adlnet.gov/expapi/verbs/failed";
    public const string Terminated = "http://adlnet.gov/expapi/verbs/terminated";
    public const string Abandoned = "https://w3id.org/xapi/adl/verbs/abandoned";
    public const string Waived = "https://w3id.org/xapi/adl/verbs/waived";
    public const string Satisfied = "https://w3id.org/xapi/adl/verbs/satisfied";

    public const string CategoryCmi5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
    public const string CategoryMoveOn = "https://w3id.org/xapi/cmi5/context/categories/moveon";
    public const string SessionIdExtension = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
    public const string MasteryScoreExtension = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
    public const string LaunchModeExtension = "https://w3id.org/xapi/cmi5/context/extensions/launchmode";
    public const string LaunchUrlExtension = "https://w3id.org/xapi/cmi5/context/extensions/launchurl";
    public const string MoveOnExtension = "https://w3id.org/xapi/cmi5/context/extensions/moveon";
    public const string LaunchParametersExtension = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters";
    public const string ReasonExtension = "https://w3id.org/xapi/cmi5/result/extensions/reason";
    public const string BlockType = "https://w3id.org/xapi/cmi5/activitytype/block";
    public const string CourseType = "https://w3id.org/xapi/cmi5/activitytype/course";
    public const string LaunchDataStateId = "LMS.LaunchData";

    /// <summary>Verbs only the LMS may record.</summary>
    public static readonly IReadOnlySet<string> LmsVerbs = new HashSet<string> { Launched, Abandoned, Waived, Satisfied };
    /// <summary>Verbs that make a statement about the AU "cmi5 defined".</summary>
    public static readonly IReadOnlySet<string> AuVerbs = new HashSet<string> { Initialized, Completed, Passed, Failed, Terminated };

    public static string Display(string verbId) => verbId[(verbId.LastIndexOf('/') + 1)..];
}

public static class LaunchModes
{
    public const string Normal = "Normal";
    public const string Browse = "Browse";
    public const string Review = "Review";
}

/// <summary>LMS-generated activity ids: stable per package and publisher id (same for every registration), never the publisher id itself.</summary>
public static class Cmi5Ids
{
    public static string ActivityId(Guid packageId, string publisherId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(packageId.ToString("N") + "\n" + publisherId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // name-based UUID (version 5 layout)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return "urn:uuid:" + new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}

/// <summary>What the LMS knows about each AU of a registration, as read from the LRS.</summary>
public sealed record AuFacts(bool Completed, bool Passed, bool Failed, bool Waived, double? BestScore, TimeSpan TimeSpent, DateTimeOffset? LastActivity);

/// <summary>Outcome of moveOn evaluation: the publisher ids satisfied (AUs and blocks), and the course.</summary>
public sealed record MoveOnResult(IReadOnlySet<string> SatisfiedAus, IReadOnlySet<string> SatisfiedBlocks, bool CourseSatisfied);

/// <summary>cmi5 moveOn (course structure 13.1.4, verb 9.3.9): per AU, then blocks, then the course.</summary>
public static class MoveOnEvaluator
{
    public static bool IsSatisfied(string moveOn, AuFacts facts) => facts.Waived || moveOn switch
    {
        MoveOn.Passed => facts.Passed,
        MoveOn.Completed => facts.Completed,
        MoveOn.CompletedAndPassed => facts.Completed && facts.Passed,
        MoveOn.CompletedOrPassed => facts.Completed || facts.Passed,
        MoveOn.NotApplicable => true,
        _ => false,
    };

    public static MoveOnResult Evaluate(CourseStructure course, Func<string, AuFacts> factsOf)
    {
        var aus = new HashSet<string>(StringComparer.Ordinal);
        var blocks = new HashSet<string>(StringComparer.Ordinal);
        bool Visit(CourseChild child)
        {
            if (child.Au is { } au)
            {
                var ok = IsSatisfied(au.MoveOn, factsOf(au.Id));
                if (ok) aus.Add(au.Id);
                return ok;
            }
            var all = true;
            foreach (var inner in child.Block!.Children) all &= Visit(inner);
            if (all) blocks.Add(child.Block.Id);
            return all;
        }
        var course_ = true;
        foreach (var child in course.Children) course_ &= Visit(child);
        return new MoveOnResult(aus, blocks, course_);
    }

    public static TimeSpan ParseDuration(string? iso)
    {
        if (string.IsNullOrEmpty(iso)) return TimeSpan.Zero;
        try { return XmlConvert.ToTimeSpan(iso); } catch (FormatException) { return TimeSpan.Zero; } catch (OverflowException) { return TimeSpan.Zero; }
    }

    public static string FormatDuration(TimeSpan span) => XmlConvert.ToString(span < TimeSpan.Zero ? TimeSpan.Zero : span);
}

/// <summary>What a session's statement is checked against (cmi5 statement rules for AUs, sections 9.3 and 9.5).</summary>
public sealed record SessionRuleContext(string SessionId, Guid Registration, string AuActivityId, string LaunchMode, decimal? MasteryScore,
    IReadOnlyList<(string Verb, string ActivityId, string? SessionId)> RegistrationStatements);

public static class Cmi5SessionRules
{
    /// <summary>Null when the statement may be stored; else why not (in French, returned by the LRS with 403).</summary>
    public static string? Check(SessionRuleContext ctx, JsonObject statement)
    {
        var verb = statement["verb"]?["id"]?.GetValue<string>() ?? "";
        var objectId = statement["object"]?["id"]?.GetValue<string>();
        var context = statement["context"] as JsonObject;
        var session = ctx.RegistrationStatements.Where(s => s.SessionId == ctx.SessionId).ToList();

        if (Cmi5Vocabulary.LmsVerbs.Contains(verb))
            return $"Le verbe {Cmi5Vocabulary.Display(verb)} est réservé au LMS.";
        if (session.Any(s => s.Verb == Cmi5Vocabulary.Terminated))
            return "La session est terminée (terminated) : plus aucune déclaration n'est acceptée.";
        if (session.Any(s => s.Verb == Cmi5Vocabulary.Abandoned))
            return "La session a été abandonnée : plus aucune déclaration n'est acceptée.";
        // What every statement of an AU carries (cmi5 9.1, 9.2, 9.7).
        if (statement["id"] is null) return "Une déclaration d'AU porte son identifiant (id).";
        if (statement["timestamp"]?.GetValue<string>() is not { } timestamp) return "Une déclaration d'AU porte son horodatage (timestamp).";
        if (!(timestamp.EndsWith('Z') || timestamp.EndsWith("+00:00", StringComparison.Ordinal)))
            return "L'horodatage (timestamp) d'une déclaration d'AU est en temps universel (UTC).";
        if (statement["actor"]?["objectType"]?.GetValue<string>() is { } actorType && actorType != "Agent")
            return "L'acteur d'une déclaration d'AU est l'apprenant (Agent).";
        var registration = context?["registration"]?.GetValue<string>();
        if (!Guid.TryParse(registration, out var reg) || reg != ctx.Registration)
            return "context.registration doit être l'inscription transmise au lancement.";
        if (context?["extensions"]?[Cmi5Vocabulary.SessionIdExtension]?.GetValue<string>() != ctx.SessionId)
            return "context.extensions doit porter l'identifiant de session cmi5 transmis au lancement.";

        var initialized = session.Any(s => s.Verb == Cmi5Vocabulary.Initialized);
        if (!initialized && verb != Cmi5Vocabulary.Initialized)
            return "La première déclaration d'une session doit être initialized.";
        if (initialized && verb == Cmi5Vocabulary.Initialized)
            return "La session est déjà initialisée.";

        var categories = (context?["contextActivities"]?["category"] as JsonArray)?.Select(c => c?["id"]?.GetValue<string>()).ToList() ?? [];
        var cmi5Category = categories.Contains(Cmi5Vocabulary.CategoryCmi5);
        var moveOnCategory = categories.Contains(Cmi5Vocabulary.CategoryMoveOn);
        var definedVerb = Cmi5Vocabulary.AuVerbs.Contains(verb);
        if (!definedVerb)
            return cmi5Category ? "Seules les déclarations définies par cmi5 portent la catégorie cmi5."
                : moveOnCategory ? "La catégorie moveon est réservée aux déclarations définies par cmi5 avec success ou completion." : null;

        if (objectId != ctx.AuActivityId) return "L'objet d'une déclaration cmi5 doit être l'AU lancée (activityId du lancement).";
        if (!cmi5Category) return "Une déclaration définie par cmi5 doit porter la catégorie cmi5.";
        var result = statement["result"] as JsonObject;
        var hasOutcome = result?["success"] is not null || result?["completion"] is not null;
        if (hasOutcome != moveOnCategory)
            return hasOutcome ? "Une déclaration avec success ou completion doit porter la catégorie moveon." : "La catégorie moveon est réservée aux déclarations avec success ou completion.";
        bool Prior(string v) => ctx.RegistrationStatements.Any(s => s.Verb == v && s.ActivityId == ctx.AuActivityId);
        bool InSession(string v) => session.Any(s => s.Verb == v);

        switch (verb)
        {
            case Cmi5Vocabulary.Completed:
                if (ctx.LaunchMode != LaunchModes.Normal) return "Une AU lancée en mode " + ctx.LaunchMode + " ne peut pas déclarer completed.";
                if (result?["completion"]?.GetValue<bool>() != true) return "completed exige result.completion = true.";
                if (result["success"] is not null) return "completed ne porte pas result.success (passed ou failed le disent).";
                if (result["score"] is not null) return "completed ne porte pas de score (passed ou failed le portent).";
                if (result["duration"] is null) return "completed exige result.duration.";
                if (Prior(Cmi5Vocabulary.Completed)) return "L'AU est déjà terminée (completed) pour cette inscription.";
                break;
            case Cmi5Vocabulary.Passed:
            case Cmi5Vocabulary.Failed:
                var passed = verb == Cmi5Vocabulary.Passed;
                if (ctx.LaunchMode != LaunchModes.Normal) return $"Une AU lancée en mode {ctx.LaunchMode} ne peut pas déclarer {Cmi5Vocabulary.Display(verb)}.";
                if (result?["success"]?.GetValue<bool>() != passed) return $"{Cmi5Vocabulary.Display(verb)} exige result.success = {(passed ? "true" : "false")}.";
                if (result["completion"] is not null) return $"{Cmi5Vocabulary.Display(verb)} ne porte pas result.completion (completed le dit).";
                if (result["score"] is JsonObject score && score["raw"] is not null && (score["min"] is null || score["max"] is null))
                    return "Un score brut (raw) s'accompagne de son minimum et de son maximum (min, max).";
                if (result["duration"] is null) return $"{Cmi5Vocabulary.Display(verb)} exige result.duration.";
                if (Prior(Cmi5Vocabulary.Passed)) return "L'AU est déjà réussie (passed) pour cette inscription.";
                if (InSession(Cmi5Vocabulary.Passed) || InSession(Cmi5Vocabulary.Failed)) return "Une session ne déclare passed ou failed qu'une fois.";
                if (ctx.MasteryScore is { } mastery)
                {
                    // A score is optional (the AU judges success); one given must agree with the verb (cmi5 9.3.4, 9.3.5).
                    var scaled = result["score"]?["scaled"]?.GetValue<double>();
                    if (scaled is not null && passed && scaled < (double)mastery) return $"passed refusé : le score {scaled.Value.ToString(CultureInfo.InvariantCulture)} est sous le seuil de réussite {mastery.ToString(CultureInfo.InvariantCulture)}.";
                    if (scaled is not null && !passed && scaled >= (double)mastery) return $"failed refusé : le score {scaled.Value.ToString(CultureInfo.InvariantCulture)} atteint le seuil de réussite {mastery.ToString(CultureInfo.InvariantCulture)}.";
                    var declared = context?["extensions"]?[Cmi5Vocabulary.MasteryScoreExtension];
                    if (declared is null || Math.Abs(declared.GetValue<double>() - (double)mastery) > 1e-9)
                        return "context.extensions doit reprendre le seuil de réussite (masteryScore) transmis au lancement.";
                }
                break;
            case Cmi5Vocabulary.Terminated:
                if (result?["duration"] is null) return "terminated exige result.duration.";
                break;
        }
        return null;
    }
}
