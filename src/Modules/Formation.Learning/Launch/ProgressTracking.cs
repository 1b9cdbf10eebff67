using System.Text.Json.Nodes;
using Formation.Learning.Certificates;
using Formation.Learning.Data;
using Formation.Learning.Packages;
using Formation.Lrs.Contracts;
using Formation.Shell.Events;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning.Launch;

/// <summary>
/// Re-evaluates moveOn for a registration from its statements in the LRS: records "satisfied" for blocks and the
/// course the first time they are met, keeps the dashboard summary, and completes the enrolment (with its certificate).
/// Idempotent: the statements already in the LRS say what was recorded before.
/// </summary>
public sealed class ProgressTracker(LearningDbContext db, ContentPackages packages, ILrsStatementReader reader, ILrsStatementWriter writer,
    CertificateIssuer certificates, TimeProvider time) : IDomainEventHandler<LrsStatementStored>
{
    public async Task HandleAsync(LrsStatementStored stored, CancellationToken ct)
    {
        // The LMS's own satisfied statements change nothing: skip them (they would only re-run the same evaluation).
        if (stored.VerbId == Cmi5Vocabulary.Satisfied) return;
        await EvaluateAsync(stored.Registration, ct);
    }

    /// <summary>What the statements of a registration say about each AU, and the moveOn outcome.</summary>
    public static (Dictionary<string, AuFacts> Facts, MoveOnResult Result) Compute(ContentPackage package, CourseStructure course, IReadOnlyList<LrsStatementSummary> statements)
    {
        var facts = new Dictionary<string, AuFacts>(StringComparer.Ordinal);
        foreach (var au in course.Aus())
        {
            var activityId = Cmi5Ids.ActivityId(package.Id, au.Id);
            var mine = statements.Where(s => s.ActivityId == activityId).ToList();
            var spent = mine.Where(s => s.VerbId is Cmi5Vocabulary.Terminated or Cmi5Vocabulary.Abandoned)
                .Aggregate(TimeSpan.Zero, (sum, s) => sum + MoveOnEvaluator.ParseDuration(s.Duration));
            facts[au.Id] = new AuFacts(
                mine.Any(s => s.VerbId == Cmi5Vocabulary.Completed),
                mine.Any(s => s.VerbId == Cmi5Vocabulary.Passed),
                mine.Any(s => s.VerbId == Cmi5Vocabulary.Failed),
                mine.Any(s => s.VerbId == Cmi5Vocabulary.Waived),
                mine.Where(s => s.ScaledScore is not null).Select(s => s.ScaledScore).Max(),
                spent,
                mine.Count > 0 ? mine.Max(s => s.Stored) : null);
        }
        return (facts, MoveOnEvaluator.Evaluate(course, id => facts[id]));
    }

    /// <summary>Records "satisfied" for each block (innermost first) and the course newly satisfied; once each per registration.</summary>
    public static async Task RecordSatisfiedAsync(ILrsStatementWriter writer, ContentPackage package, CourseStructure course, MoveOnResult result,
        IReadOnlyList<LrsStatementSummary> statements, JsonObject actor, Guid registration, string sessionId, DateTimeOffset now, CancellationToken ct)
    {
        var satisfiedIds = statements.Where(s => s.VerbId == Cmi5Vocabulary.Satisfied).Select(s => s.ActivityId).ToHashSet(StringComparer.Ordinal);
        foreach (var block in course.Blocks().Where(b => result.SatisfiedBlocks.Contains(b.Id)).Reverse())
        {
            var id = Cmi5Ids.ActivityId(package.Id, block.Id);
            if (satisfiedIds.Add(id))
                await writer.StoreAsync(Cmi5Launcher.LmsStatement(actor, Cmi5Vocabulary.Satisfied, id, block.Id, registration, sessionId, now, objectType: Cmi5Vocabulary.BlockType), ct);
        }
        if (result.CourseSatisfied)
        {
            var id = Cmi5Ids.ActivityId(package.Id, course.Id);
            if (satisfiedIds.Add(id))
                await writer.StoreAsync(Cmi5Launcher.LmsStatement(actor, Cmi5Vocabulary.Satisfied, id, course.Id, registration, sessionId, now, objectType: Cmi5Vocabulary.CourseType), ct);
        }
    }

    public async Task EvaluateAsync(Guid registration, CancellationToken ct)
    {
        var enrolment = await db.Enrolments.FirstOrDefaultAsync(e => e.Registration == registration, ct);
        if (enrolment?.PackageId is not { } packageId) return;
        var package = await packages.FindAsync(packageId, ct);
        if (package is null) return;
        var course = CourseStructure.FromJson(package.StructureJson);
        var statements = await reader.ForRegistrationAsync(registration, ct);

        var (facts, result) = Compute(package, course, statements);

        var now = time.GetUtcNow();
        var launched = statements.Where(s => s.VerbId == Cmi5Vocabulary.Launched).MaxBy(s => s.Stored);
        if (launched is not null)
        {
            // Satisfied statements go with the session that triggered them (cmi5 9.3.9); a missing one is recorded once.
            var actor = JsonNode.Parse(launched.Json)!["actor"]!.AsObject();
            var sessionId = statements.OrderByDescending(s => s.Stored).FirstOrDefault(s => s.SessionId is not null)?.SessionId ?? Guid.NewGuid().ToString();
            await RecordSatisfiedAsync(writer, package, course, result, statements, actor, registration, sessionId, now, ct);
        }

        var progress = new LearningProgress(result.SatisfiedAus.ToHashSet(), result.SatisfiedBlocks.ToHashSet(), result.CourseSatisfied,
            course.Aus().ToDictionary(a => a.Id, a =>
            {
                var f = facts[a.Id];
                return new AuProgress(f.Completed, f.Passed, f.Failed, f.Waived, result.SatisfiedAus.Contains(a.Id), f.BestScore, (long)f.TimeSpent.TotalSeconds, f.LastActivity);
            }));
        enrolment.ProgressJson = progress.ToJson();
        var last = statements.Count > 0 ? statements.Max(s => s.Stored) : (DateTimeOffset?)null;
        if (last is not null && (enrolment.LastActivityUtc is null || last > enrolment.LastActivityUtc)) enrolment.LastActivityUtc = last;
        foreach (var session in await db.Sessions.Where(s => s.EnrolmentId == enrolment.Id && s.EndedUtc == null).ToListAsync(ct))
            if (statements.Any(s => s.SessionId == session.SessionId && s.VerbId is Cmi5Vocabulary.Terminated or Cmi5Vocabulary.Abandoned))
                session.EndedUtc = now;
        if (result.CourseSatisfied && enrolment.Status != EnrolmentStatus.Completed)
        {
            enrolment.Status = EnrolmentStatus.Completed;
            enrolment.CompletedUtc = now;
            await certificates.IssueAsync(enrolment, ct);
        }
        enrolment.Revision++;
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>The cmi5 rules for statements an AU sends with its session token (checked by the LRS before storing).</summary>
public sealed class Cmi5StatementPolicy(LearningDbContext db, ILrsStatementReader reader) : ILrsSessionStatementPolicy
{
    public async Task<string?> CheckAsync(LrsSessionGrant grant, JsonObject statement, CancellationToken ct = default)
    {
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.SessionId == grant.SessionId, ct);
        if (session is null) return null; // not a session of this LMS (e.g. another module's token): not ours to judge
        var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == session.EnrolmentId, ct);
        if (enrolment is null) return "Inscription inconnue.";
        decimal? mastery = null;
        if (enrolment.PackageId is { } pid && await db.Packages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pid, ct) is { } package)
            mastery = CourseStructure.FromJson(package.StructureJson).Aus().FirstOrDefault(a => a.Id == session.AuId)?.MasteryScore;
        var statements = await reader.ForRegistrationAsync(grant.Registration, ct);
        var context = new SessionRuleContext(session.SessionId, enrolment.Registration, session.AuActivityId, session.LaunchMode, mastery,
            statements.Select(s => (s.VerbId, s.ActivityId, s.SessionId)).ToList());
        try { return Cmi5SessionRules.Check(context, statement); }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return "Déclaration mal formée pour cmi5 (un champ n'a pas le type attendu).";
        }
    }
}
