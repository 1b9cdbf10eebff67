using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Learning.Data;
using Formation.Learning.Packages;
using Formation.Lrs.Contracts;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning.Launch;

/// <summary>Where the portal is reached from the browser: builds the absolute URLs of a launch.</summary>
public sealed record PortalUrls(string BaseUrl)
{
    public string Endpoint => BaseUrl + "/xapi";
    public string Fetch(string secret) => BaseUrl + "/cmi5/fetch/" + secret;
    public string Content(Guid packageId, string relative) => BaseUrl + ContentPackages.ContentRoute + "/" + packageId.ToString() + "/" + relative.TrimStart('/');
}

/// <summary>
/// Launches AUs (cmi5 section 8): abandons the sessions left open, writes LMS.LaunchData, records "launched", and
/// returns the launch URL with a one-time fetch URL.
/// </summary>
public sealed class Cmi5Launcher(LearningDbContext db, ContentPackages packages, Enrolments enrolments, LearningPeople people,
    ILrsDocuments documents, ILrsStatementWriter writer, ILrsStatementReader reader, Formation.Shell.Events.DomainEvents events, TimeProvider time)
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public async Task<(Enrolment Enrolment, ContentPackage Package, CourseStructure Course)> OpenAsync(Guid enrolmentId, string userId, CancellationToken ct)
    {
        var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enrolmentId && e.UserId == userId, ct)
            ?? throw new ValidationFailedException("Enrolment", "Cette inscription n'existe pas.");
        ContentPackage? package;
        if (enrolment.PackageId is { } pid) package = await packages.FindAsync(pid, ct);
        else
        {
            // Enrolled learners keep their access to a module retired since (the catalogue's last published version).
            var module = await enrolments.LastPublishedAsync(enrolment.ModuleId, ct)
                ?? throw new ValidationFailedException("Module", "Ce module n'est plus proposé par ce portail.");
            package = await packages.ForPublishedAsync(module, ct);
        }
        if (package is null) throw new ValidationFailedException("Package", "Le contenu de ce module n'est pas encore disponible.");
        return (enrolment, package, CourseStructure.FromJson(package.StructureJson));
    }

    /// <summary>The actor of a learner on this portal (cmi5: an Agent identified by an account).</summary>
    public async Task<JsonObject> ActorAsync(Enrolment enrolment, PortalUrls urls)
    {
        var user = await people.FindAsync(enrolment.UserId);
        return new JsonObject
        {
            ["objectType"] = "Agent",
            ["name"] = user?.DisplayName is { Length: > 0 } n ? n : "Apprenant·e",
            ["account"] = new JsonObject { ["homePage"] = urls.BaseUrl, ["name"] = enrolment.UserId },
        };
    }

    /// <summary>The next AU to play: the first not satisfied, else the first.</summary>
    public static AuNode NextAu(CourseStructure course, IReadOnlySet<string> satisfied) =>
        course.Aus().FirstOrDefault(a => !satisfied.Contains(a.Id)) ?? course.Aus().First();

    public async Task<string> LaunchAsync(Guid enrolmentId, string userId, string? auId, string launchMode, PortalUrls urls, string returnUrl, CancellationToken ct)
    {
        var (enrolment, package, course) = await OpenAsync(enrolmentId, userId, ct);
        if (enrolment.IsClosed)
            throw new ValidationFailedException("Enrolment", ClosedMessage(enrolment.ClosedReason));
        // Read from the LRS now rather than from the dashboard summary, which follows statements a moment later.
        var statements = await reader.ForRegistrationAsync(enrolment.Registration, ct);
        var (_, outcome) = ProgressTracker.Compute(package, course, statements);
        var au = auId is null ? NextAu(course, outcome.SatisfiedAus) : course.Aus().FirstOrDefault(a => a.Id == auId)
            ?? throw new ValidationFailedException("Au", "Cette activité n'existe pas dans le cours.");
        if (launchMode is not (LaunchModes.Normal or LaunchModes.Browse or LaunchModes.Review)) launchMode = LaunchModes.Normal;

        var now = time.GetUtcNow();
        // Pinned before any statement is recorded, so that moveOn evaluation (which follows the statements) finds the package.
        // A plain update, not the entity: evaluation updates the enrolment concurrently and owns its revision.
        var packageId = package.Id;
        // The first launch is claimed by a conditional update, so that EnrolmentStarted is raised once even for two launches at once.
        var firstLaunch = await db.Enrolments.Where(e => e.Id == enrolment.Id && e.FirstLaunchUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.FirstLaunchUtc, now), ct);
        if (firstLaunch == 1)
            await events.RaiseAsync(new Contracts.EnrolmentStarted(enrolment.Id, enrolment.UserId, enrolment.ModuleId, enrolment.Source, enrolment.Reference, now), ct);
        await db.Enrolments.Where(e => e.Id == enrolment.Id).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.PackageId, e => e.PackageId ?? packageId)
            .SetProperty(e => e.FirstLaunchUtc, e => e.FirstLaunchUtc ?? now)
            .SetProperty(e => e.LastActivityUtc, now), ct);
        var actor = await ActorAsync(enrolment, urls);
        var activityId = Cmi5Ids.ActivityId(package.Id, au.Id);

        // A new launch abandons this registration's sessions still open (cmi5 9.3.6).
        var open = await db.Sessions.Where(s => s.EnrolmentId == enrolment.Id && s.EndedUtc == null).ToListAsync(ct);
        foreach (var previous in open) await AbandonAsync(previous, actor, enrolment.Registration, statements, now, ct);

        // moveOn is evaluated at registration (cmi5 9.6.1): NotApplicable AUs may satisfy blocks and the course before any launch.
        if (!statements.Any(s => s.VerbId == Cmi5Vocabulary.Launched))
            await ProgressTracker.ExclusivelyAsync(enrolment.Registration, async () =>
            {
                var current = await reader.ForRegistrationAsync(enrolment.Registration, ct);
                await ProgressTracker.RecordSatisfiedAsync(writer, package, course, ProgressTracker.Compute(package, course, current).Result, current, actor, enrolment.Registration, Guid.NewGuid().ToString(), now, ct);
            }, ct);

        var sessionId = Guid.NewGuid().ToString();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var auUrl = Uri.TryCreate(au.Url, UriKind.Absolute, out _) ? au.Url : urls.Content(package.Id, au.Url);

        var launchData = new JsonObject
        {
            ["contextTemplate"] = new JsonObject
            {
                ["contextActivities"] = new JsonObject { ["grouping"] = new JsonArray(new JsonObject { ["objectType"] = "Activity", ["id"] = au.Id }) },
                ["extensions"] = new JsonObject { [Cmi5Vocabulary.SessionIdExtension] = sessionId },
            },
            ["launchMode"] = launchMode,
            ["launchMethod"] = au.LaunchMethod,
            ["moveOn"] = au.MoveOn,
            ["returnURL"] = returnUrl,
        };
        if (au.MasteryScore is { } mastery)
        {
            launchData["masteryScore"] = (double)mastery;
            // In the template too: an AU that builds its passed/failed statements from it declares the threshold (cmi5 9.6.3.2).
            launchData["contextTemplate"]!["extensions"]![Cmi5Vocabulary.MasteryScoreExtension] = (double)mastery;
        }
        if (au.LaunchParameters is { } parameters) launchData["launchParameters"] = parameters;
        launchData["entitlementKey"] = new JsonObject { ["courseStructure"] = au.EntitlementKey ?? "" };
        if (au.EntitlementKey is null) ((JsonObject)launchData["entitlementKey"]!).Remove("courseStructure");
        if (((JsonObject)launchData["entitlementKey"]!).Count == 0) launchData.Remove("entitlementKey");
        await documents.PutStateAsync(activityId, actor, enrolment.Registration, Cmi5Vocabulary.LaunchDataStateId, "application/json",
            Encoding.UTF8.GetBytes(launchData.ToJsonString()), ct);

        var extensions = new JsonObject
        {
            [Cmi5Vocabulary.LaunchModeExtension] = launchMode,
            [Cmi5Vocabulary.LaunchUrlExtension] = auUrl,
            [Cmi5Vocabulary.MoveOnExtension] = au.MoveOn,
        };
        if (au.MasteryScore is { } ms) extensions[Cmi5Vocabulary.MasteryScoreExtension] = (double)ms;
        if (au.LaunchParameters is { } lp) extensions[Cmi5Vocabulary.LaunchParametersExtension] = lp;
        await writer.StoreAsync(LmsStatement(actor, Cmi5Vocabulary.Launched, activityId, au.Id, enrolment.Registration, sessionId, now, extensions: extensions), ct);

        db.Sessions.Add(new LaunchSession
        {
            EnrolmentId = enrolment.Id, AuId = au.Id, AuActivityId = activityId, SessionId = sessionId, LaunchMode = launchMode, ActorJson = actor.ToJsonString(),
            FetchHash = Hash(secret), LaunchedUtc = now, ExpiresUtc = now + SessionLifetime,
        });
        await db.SaveChangesAsync(ct);

        var query = new StringBuilder();
        void Add(string name, string value) => query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
        Add("endpoint", urls.Endpoint);
        Add("fetch", urls.Fetch(secret));
        Add("actor", actor.ToJsonString());
        Add("registration", enrolment.Registration.ToString());
        Add("activityId", activityId);
        return auUrl + (auUrl.Contains('?') ? "&" : "?") + query;
    }

    /// <summary>Records "abandoned" for a session the AU did not terminate (once), with the session's duration so far.</summary>
    private async Task AbandonAsync(LaunchSession session, JsonObject actor, Guid registration, IReadOnlyList<LrsStatementSummary> statements, DateTimeOffset now, CancellationToken ct)
    {
        var ofSession = statements.Where(s => s.SessionId == session.SessionId).ToList();
        if (!ofSession.Any(s => s.VerbId is Cmi5Vocabulary.Terminated or Cmi5Vocabulary.Abandoned))
        {
            var last = ofSession.Count > 0 ? ofSession.Max(s => s.Timestamp) : session.LaunchedUtc;
            await writer.StoreAsync(LmsStatement(actor, Cmi5Vocabulary.Abandoned, session.AuActivityId, session.AuId, registration, session.SessionId, now,
                result: new JsonObject { ["duration"] = MoveOnEvaluator.FormatDuration(last - session.LaunchedUtc) }), ct);
        }
        session.EndedUtc = now;
    }

    /// <summary>Abandons one open session (an administrator closing a session left open).</summary>
    public async Task AbandonSessionAsync(string sessionId, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.SessionId == sessionId, ct)
            ?? throw new ValidationFailedException("Session", "Cette session n'existe pas.");
        if (session.EndedUtc is not null) return;
        var enrolment = await db.Enrolments.AsNoTracking().FirstAsync(e => e.Id == session.EnrolmentId, ct);
        var statements = await reader.ForRegistrationAsync(enrolment.Registration, ct);
        await AbandonAsync(session, JsonNode.Parse(session.ActorJson)!.AsObject(), enrolment.Registration, statements, time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Waives an AU of a registration (cmi5 9.3.7: the LMS records "waived" with a reason, in a session of its own, once per AU);
    /// moveOn then counts the AU as satisfied. Used by administrators (e.g. prior learning recognised).
    /// </summary>
    public async Task WaiveAsync(Guid enrolmentId, string auId, string reason, PortalUrls urls, CancellationToken ct)
    {
        var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enrolmentId, ct)
            ?? throw new ValidationFailedException("Enrolment", "Cette inscription n'existe pas.");
        var (_, package, course) = await OpenAsync(enrolmentId, enrolment.UserId, ct);
        var au = course.Aus().FirstOrDefault(a => a.Id == auId) ?? throw new ValidationFailedException("Au", "Cette activité n'existe pas dans le cours.");
        if (string.IsNullOrWhiteSpace(reason)) throw new ValidationFailedException("Reason", "Indiquez la raison de la dispense.");
        var activityId = Cmi5Ids.ActivityId(package.Id, au.Id);
        var statements = await reader.ForRegistrationAsync(enrolment.Registration, ct);
        if (statements.Any(s => s.VerbId == Cmi5Vocabulary.Waived && s.ActivityId == activityId)) return;
        var packageId = package.Id;
        await db.Enrolments.Where(e => e.Id == enrolment.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.PackageId, e => e.PackageId ?? packageId), ct);
        var launched = statements.FirstOrDefault(s => s.VerbId == Cmi5Vocabulary.Launched);
        var actor = launched is not null ? JsonNode.Parse(launched.Json)!["actor"]!.AsObject() : await ActorAsync(enrolment, urls);
        var waiverSession = Guid.NewGuid().ToString();
        var now = time.GetUtcNow();
        await writer.StoreAsync(LmsStatement(actor, Cmi5Vocabulary.Waived, activityId, au.Id, enrolment.Registration, waiverSession, now,
            result: new JsonObject { ["success"] = true, ["completion"] = true, ["extensions"] = new JsonObject { [Cmi5Vocabulary.ReasonExtension] = reason.Trim() } }), ct);
        // What the waiver satisfies is recorded at once, in the waiver's session (cmi5 9.3.9).
        await ProgressTracker.ExclusivelyAsync(enrolment.Registration, async () =>
        {
            var after = await reader.ForRegistrationAsync(enrolment.Registration, ct);
            var (_, outcome) = ProgressTracker.Compute(package, course, after);
            await ProgressTracker.RecordSatisfiedAsync(writer, package, course, outcome, after, actor, enrolment.Registration, waiverSession, now, ct);
        }, ct);
    }

    /// <summary>Why a closed enrolment launches nothing, in the learner's words.</summary>
    public static string ClosedMessage(string? reason) =>
        reason == Contracts.EnrolmentCloseReasons.Refund
            ? "L'accès à cette formation est clos : l'achat a été remboursé. Le contenu ne peut plus être lancé."
            : reason == Contracts.EnrolmentCloseReasons.SeatReclaimed
                ? "L'accès à cette formation est clos : votre employeur a repris la place. Le contenu ne peut plus être lancé."
                : "L'accès à cette formation est clos : le contenu ne peut plus être lancé.";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A statement the LMS records (cmi5 category, publisher id grouping, session id).</summary>
    public static JsonObject LmsStatement(JsonObject actor, string verb, string objectId, string publisherId, Guid registration, string sessionId,
        DateTimeOffset timestamp, JsonObject? result = null, JsonObject? extensions = null, string? objectType = null)
    {
        extensions ??= new JsonObject();
        extensions[Cmi5Vocabulary.SessionIdExtension] = sessionId;
        var category = new JsonArray(new JsonObject { ["id"] = Cmi5Vocabulary.CategoryCmi5 });
        if (verb == Cmi5Vocabulary.Waived) category.Add(new JsonObject { ["id"] = Cmi5Vocabulary.CategoryMoveOn });
        var statement = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["actor"] = actor.DeepClone(),
            ["verb"] = new JsonObject { ["id"] = verb, ["display"] = new JsonObject { ["en-US"] = Cmi5Vocabulary.Display(verb) } },
            ["object"] = new JsonObject { ["objectType"] = "Activity", ["id"] = objectId },
            ["context"] = new JsonObject
            {
                ["registration"] = registration.ToString(),
                ["contextActivities"] = new JsonObject
                {
                    ["category"] = category,
                    ["grouping"] = new JsonArray(new JsonObject { ["objectType"] = "Activity", ["id"] = publisherId }),
                },
                ["extensions"] = extensions,
            },
            ["timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        if (objectType is not null) statement["object"]!["definition"] = new JsonObject { ["type"] = objectType };
        if (result is not null) statement["result"] = result;
        return statement;
    }
}

/// <summary>Progress of an enrolment as the moveOn evaluation left it (kept as JSON on the enrolment for the dashboard).</summary>
public sealed record LearningProgress(HashSet<string> SatisfiedAus, HashSet<string> SatisfiedBlocks, bool CourseSatisfied,
    Dictionary<string, AuProgress> Aus)
{
    public static LearningProgress Empty() => new([], [], false, []);
    public static LearningProgress Read(string? json) => string.IsNullOrEmpty(json) ? Empty() : JsonSerializer.Deserialize<LearningProgress>(json, CourseStructure.Json) ?? Empty();
    public string ToJson() => JsonSerializer.Serialize(this, CourseStructure.Json);
}

public sealed record AuProgress(bool Completed, bool Passed, bool Failed, bool Waived, bool Satisfied, double? Score, long TimeSpentSeconds, DateTimeOffset? LastActivity);
