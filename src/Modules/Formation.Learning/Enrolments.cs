using Formation.Catalog.Contracts;
using Formation.Learning.Contracts;
using Formation.Learning.Data;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Learning;

public sealed class Enrolments(LearningDbContext db, ICatalogReader catalog, LearningPeople people, TenantContext tenant, TimeProvider time) : IEnrolments, IRetiredModuleAccess
{
    /// <summary>Enrolled learners keep opening a module after it is retired from the catalogue.</summary>
    public Task<bool> HasAccessAsync(string userId, Guid moduleId, CancellationToken ct = default) =>
        db.Enrolments.AnyAsync(e => e.UserId == userId && e.ModuleId == moduleId && e.ClosedUtc == null, ct);

    public Task<PublishedModule?> LastPublishedAsync(Guid moduleId, CancellationToken ct = default) => catalog.GetLastPublishedAsync(moduleId, ct);

    public async Task<EnrolmentDto> OpenAsync(string userId, Guid moduleId, string source, string? reference, CancellationToken ct = default)
    {
        var existing = await db.Enrolments.FirstOrDefaultAsync(e => e.UserId == userId && e.ModuleId == moduleId, ct);
        if (existing is { ClosedUtc: null }) return ToDto(existing);
        if (existing is not null)
        {
            if (source == EnrolmentSources.Self && (await VisibleAsync(moduleId, ct)) is { IsFree: false })
                throw new ValidationFailedException("ModuleId", "L'inscription libre est réservée aux modules gratuits : ce module s'achète.");
            // Conditional, so that two reopenings at once (or a reopening racing a closure) leave one consistent row.
            await db.Enrolments.Where(e => e.Id == existing.Id && e.ClosedUtc != null).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.ClosedUtc, (DateTimeOffset?)null)
                .SetProperty(e => e.ClosedReason, (string?)null)
                .SetProperty(e => e.Source, source)
                .SetProperty(e => e.Reference, reference), ct);
            await db.Entry(existing).ReloadAsync(ct);
            return ToDto(existing);
        }
        if (await people.FindAsync(userId) is null) throw new ValidationFailedException("UserId", "Ce compte n'existe pas sur ce portail.");
        var module = await VisibleAsync(moduleId, ct) ?? throw new ValidationFailedException("ModuleId", "Ce module n'est pas proposé par ce portail.");
        if (source == EnrolmentSources.Self && !module.IsFree)
            throw new ValidationFailedException("ModuleId", "L'inscription libre est réservée aux modules gratuits : ce module s'achète.");
        var enrolment = new Enrolment { UserId = userId, ModuleId = moduleId, Source = source, Reference = reference, EnrolledUtc = time.GetUtcNow() };
        db.Enrolments.Add(enrolment);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Two clicks at once: the unique index kept one; return it.
            db.Entry(enrolment).State = EntityState.Detached;
            var winner = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId && e.ModuleId == moduleId, ct);
            if (winner is null) throw;
            return ToDto(winner);
        }
        return ToDto(enrolment);
    }

    public async Task<bool> CloseAsync(string userId, Guid moduleId, string source, string reference, string reason, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var closed = await db.Enrolments
            .Where(e => e.UserId == userId && e.ModuleId == moduleId && e.Source == source && e.Reference == reference && e.ClosedUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.ClosedUtc, now).SetProperty(e => e.ClosedReason, reason), ct);
        return closed == 1;
    }

    public async Task<EnrolmentDto?> FindAsync(string userId, Guid moduleId, CancellationToken ct = default)
    {
        var e = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId && x.ModuleId == moduleId, ct);
        return e is null ? null : ToDto(e);
    }

    public Task<bool> HasStartedAsync(Guid enrolmentId, CancellationToken ct = default) =>
        db.Enrolments.AnyAsync(e => e.Id == enrolmentId && e.FirstLaunchUtc != null, ct);

    public Task<List<Enrolment>> ForUserAsync(string userId, CancellationToken ct = default) =>
        db.Enrolments.AsNoTracking().Where(e => e.UserId == userId)
            .OrderBy(e => e.ClosedUtc != null).ThenByDescending(e => e.LastActivityUtc ?? e.EnrolledUtc).ToListAsync(ct);

    /// <summary>The published module when the current portal shows it.</summary>
    public async Task<PublishedModule?> VisibleAsync(Guid moduleId, CancellationToken ct)
    {
        var module = await catalog.GetPublishedAsync(moduleId, ct);
        if (module is null) return null;
        var curation = await catalog.GetCurationAsync(tenant.Required.Id, ct);
        return curation.Shows(module, tenant.Required.Id) ? module : null;
    }

    public static EnrolmentDto ToDto(Enrolment e) => new(e.Id, e.UserId, e.ModuleId, e.Registration, e.Source, e.Reference, e.EnrolledUtc, e.CompletedUtc, e.ClosedUtc, e.ClosedReason);
}
