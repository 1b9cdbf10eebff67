using Formation.Learning.Contracts;
using Formation.Learning.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning;

internal sealed class LearnerProgress(LearningDbContext db) : ILearnerProgress
{
    public async Task<IReadOnlyList<LearnerProgressDto>> ForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        if (userIds.Count == 0) return [];
        var ids = userIds.Distinct().ToList();
        var enrolments = await db.Enrolments.AsNoTracking().Where(e => ids.Contains(e.UserId)).ToListAsync(ct);
        var enrolmentIds = enrolments.Select(e => e.Id).ToList();
        var codes = await db.Certificates.AsNoTracking().Where(c => enrolmentIds.Contains(c.EnrolmentId))
            .Select(c => new { c.EnrolmentId, c.Code }).ToListAsync(ct);
        var byEnrolment = codes.GroupBy(c => c.EnrolmentId).ToDictionary(g => g.Key, g => g.First().Code);
        return enrolments.Select(e => new LearnerProgressDto(e.Id, e.UserId, e.ModuleId, e.Source, e.Reference, e.EnrolledUtc, e.FirstLaunchUtc,
            e.LastActivityUtc, e.CompletedUtc, byEnrolment.GetValueOrDefault(e.Id), e.ClosedUtc)).ToList();
    }
}
