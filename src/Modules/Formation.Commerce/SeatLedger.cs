using System.Globalization;
using Formation.Commerce.Data;
using Formation.Identity;
using Formation.Learning.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Commerce;

/// <summary>One line of a CSV upload and what became of it.</summary>
public sealed record SeatUploadLine(int LineNumber, string Email, bool Accepted, string Message);

/// <summary>
/// The seat ledger: pools opened by paid orders, seats moving Available → Assigned → Consumed, or Released by a refund.
/// A seat is taken by a conditional update (<c>… WHERE state = 'Available'</c>), so that concurrent assignments never
/// give more seats than the pool holds; one person holds at most one seat per pool (unique index).
/// </summary>
public sealed class SeatLedger(CommerceDbContext db, ShellDatabase database, IEnrolments enrolments, CommercePeople people, Invitations invitations, TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(365);
    public const int MaxCsvBytes = 256 * 1024;
    public const int MaxCsvLines = 2000;

    /// <summary>Opens the pool of an employer's order line (once: the pool is unique per line).</summary>
    public async Task OpenPoolAsync(Order order, OrderLine line, CancellationToken ct)
    {
        if (await db.Pools.AnyAsync(p => p.OrderLineId == line.Id, ct)) return;
        var now = time.GetUtcNow();
        var pool = new SeatPool
        {
            OrderId = order.Id, OrderLineId = line.Id, OrganisationId = order.BuyerOrganisationId!.Value, ModuleId = line.ModuleId,
            ModuleTitle = line.ModuleTitle, Size = line.Quantity, OpenedUtc = now, ExpiresUtc = now + Validity,
        };
        db.Pools.Add(pool);
        for (var n = 1; n <= line.Quantity; n++) db.Seats.Add(new Seat { PoolId = pool.Id, Number = n, State = SeatState.Available });
        await db.SaveChangesAsync(ct);
    }

    public Task<List<SeatPool>> PoolsOfAsync(Guid organisationId, CancellationToken ct) =>
        db.Pools.AsNoTracking().Where(p => p.OrganisationId == organisationId).OrderByDescending(p => p.OpenedUtc).ToListAsync(ct);

    public Task<List<Seat>> SeatsOfAsync(IReadOnlyCollection<Guid> poolIds, CancellationToken ct) =>
        db.Seats.AsNoTracking().Where(s => poolIds.Contains(s.PoolId)).OrderBy(s => s.Number).ToListAsync(ct);

    private async Task<SeatPool> UsablePoolAsync(Guid poolId, Guid organisationId, CancellationToken ct)
    {
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == poolId && p.OrganisationId == organisationId, ct)
            ?? throw new ValidationFailedException("PoolId", "Ce lot de places n'existe pas pour votre structure.");
        if (pool.ExpiresUtc <= time.GetUtcNow())
            throw new ValidationFailedException("PoolId", $"Ce lot de places a expiré le {pool.ExpiresUtc.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("fr-FR"))}.");
        return pool;
    }

    /// <summary>Assigns one seat to a person by e-mail: an existing account of the portal is enrolled at once; anyone else is invited and enrolled at first sign-in.</summary>
    public async Task<Seat> AssignAsync(Guid poolId, Guid organisationId, string email, string? byUserId, string invitationUrl, CancellationToken ct)
    {
        Seat? seat = null;
        await database.InTransactionAsync(async () =>
        {
            var pool = await UsablePoolAsync(poolId, organisationId, ct);
            seat = await AssignInPoolAsync(pool, email, byUserId, invitationUrl, ct);
        }, ct);
        return seat!;
    }

    private async Task<Seat> AssignInPoolAsync(SeatPool pool, string email, string? byUserId, string invitationUrl, CancellationToken ct)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(email?.Trim(), out var address) || address.Address != email!.Trim())
            throw new ValidationFailedException("Email", "Adresse électronique invalide.");
        var normalised = CommercePeople.Normalise(email);
        if (await db.Seats.AnyAsync(s => s.PoolId == pool.Id && s.AssigneeEmail == normalised, ct))
            throw new ValidationFailedException("Email", $"{normalised} a déjà une place sur ce lot.");
        var user = await people.FindByEmailAsync(normalised);
        var now = time.GetUtcNow();
        var userId = user?.Id;
        Guid? taken = null;
        // Each try takes the first available seat only if it is still available; a lost race tries the next one.
        while (taken is null)
        {
            var candidate = await db.Seats.Where(s => s.PoolId == pool.Id && s.State == SeatState.Available)
                .OrderBy(s => s.Number).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
            if (candidate is null) throw new ValidationFailedException("PoolId", "Plus aucune place disponible sur ce lot.");
            var updated = await db.Seats.Where(s => s.Id == candidate && s.State == SeatState.Available).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SeatState.Assigned)
                .SetProperty(s => s.AssigneeEmail, normalised)
                .SetProperty(s => s.AssigneeUserId, userId)
                .SetProperty(s => s.AssignedUtc, now), ct);
            if (updated == 1) taken = candidate;
        }
        db.Movements.Add(new SeatMovement { SeatId = taken.Value, PoolId = pool.Id, From = SeatState.Available, To = SeatState.Assigned, Email = normalised, Reason = "assigned", ByUserId = byUserId, AtUtc = now });
        await db.SaveChangesAsync(ct);
        if (user is not null) await enrolments.OpenAsync(user.Id, pool.ModuleId, EnrolmentSources.Commerce, taken.Value.ToString(), ct);
        else await invitations.InviteAsync(normalised, Roles.Learner, pool.OrganisationId, byUserId, invitationUrl, ct);
        return await db.Seats.AsNoTracking().FirstAsync(s => s.Id == taken, ct);
    }

    /// <summary>
    /// Assigns seats from a CSV (one e-mail per line, header <c>email</c> optional, <c>;</c> or <c>,</c>). Every line is checked
    /// first and reported; the accepted ones are applied together in one transaction, so a failure leaves nothing behind.
    /// </summary>
    public async Task<IReadOnlyList<SeatUploadLine>> AssignCsvAsync(Guid poolId, Guid organisationId, Stream csv, string? byUserId, string invitationUrl, CancellationToken ct)
    {
        var rows = SeatCsv.Read(csv);
        var pool = await UsablePoolAsync(poolId, organisationId, ct);
        var available = await db.Seats.CountAsync(s => s.PoolId == pool.Id && s.State == SeatState.Available, ct);
        var holders = (await db.Seats.Where(s => s.PoolId == pool.Id && s.AssigneeEmail != null).Select(s => s.AssigneeEmail!).ToListAsync(ct)).ToHashSet();
        var seen = new HashSet<string>();
        var report = new List<SeatUploadLine>();
        foreach (var (lineNumber, value) in rows)
        {
            var email = value.Trim();
            var normalised = CommercePeople.Normalise(email);
            string? reason = null;
            if (email.Length == 0) reason = "Ligne vide : une adresse électronique est attendue.";
            else if (!System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email) reason = "Adresse électronique invalide.";
            else if (!seen.Add(normalised)) reason = "Adresse déjà présente plus haut dans le fichier.";
            else if (holders.Contains(normalised)) reason = "Cette personne a déjà une place sur ce lot.";
            else if (report.Count(r => r.Accepted) >= available) reason = "Plus aucune place disponible sur ce lot.";
            report.Add(reason is null ? new SeatUploadLine(lineNumber, email, true, "Place attribuée.") : new SeatUploadLine(lineNumber, email, false, reason));
        }
        if (report.Count == 0) throw new ValidationFailedException("Fichier", "Le fichier ne contient aucune adresse.");
        await database.InTransactionAsync(async () =>
        {
            foreach (var line in report.Where(r => r.Accepted))
                await AssignInPoolAsync(pool, line.Email, byUserId, invitationUrl, ct);
        }, ct);
        return report;
    }

    /// <summary>Takes back a seat not yet consumed: it becomes available again (the history stays in the ledger).</summary>
    public async Task ReclaimAsync(Guid seatId, Guid organisationId, string? byUserId, CancellationToken ct)
    {
        await database.InTransactionAsync(async () =>
        {
            var seat = await db.Seats.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seatId, ct)
                ?? throw new ValidationFailedException("SeatId", "Cette place n'existe pas.");
            await UsablePoolAsync(seat.PoolId, organisationId, ct);
            var updated = await db.Seats.Where(s => s.Id == seatId && s.State == SeatState.Assigned).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SeatState.Available)
                .SetProperty(s => s.AssigneeEmail, (string?)null)
                .SetProperty(s => s.AssigneeUserId, (string?)null)
                .SetProperty(s => s.AssignedUtc, (DateTimeOffset?)null), ct);
            if (updated == 0) throw new ValidationFailedException("SeatId", "Seule une place attribuée et pas encore commencée peut être reprise.");
            db.Movements.Add(new SeatMovement { SeatId = seatId, PoolId = seat.PoolId, From = SeatState.Assigned, To = SeatState.Available, Email = seat.AssigneeEmail, Reason = "reclaimed", ByUserId = byUserId, AtUtc = time.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            // The seat goes to someone else: the person it was taken from no longer has access through it.
            await CloseEnrolmentAsync(seat, EnrolmentCloseReasons.SeatReclaimed, ct);
        }, ct);
    }

    /// <summary>The learner started: the seat is consumed (once; a reclaimed or released seat stays as it is).</summary>
    public async Task<bool> ConsumeAsync(Guid seatId, string userId, DateTimeOffset at, CancellationToken ct)
    {
        var seat = await db.Seats.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seatId, ct);
        if (seat is null) return false;
        var updated = await db.Seats.Where(s => s.Id == seatId && s.State == SeatState.Assigned && s.AssigneeUserId == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SeatState.Consumed).SetProperty(s => s.ConsumedUtc, at), ct);
        if (updated == 0) return false;
        db.Movements.Add(new SeatMovement { SeatId = seatId, PoolId = seat.PoolId, From = SeatState.Assigned, To = SeatState.Consumed, Email = seat.AssigneeEmail, Reason = "started", ByUserId = userId, AtUtc = at });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Seats of the pool that a refund may release: the available ones, then the assigned ones not yet started.</summary>
    public Task<int> UnconsumedAsync(Guid orderLineId, CancellationToken ct) =>
        db.Seats.Where(s => db.Pools.Any(p => p.Id == s.PoolId && p.OrderLineId == orderLineId) && (s.State == SeatState.Available || s.State == SeatState.Assigned)).CountAsync(ct);

    /// <summary>Releases <paramref name="count"/> unconsumed seats of a line (available ones first). Runs inside the refund's transaction.</summary>
    public async Task<int> ReleaseAsync(Guid orderLineId, int count, string reason, string? byUserId, CancellationToken ct)
    {
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.OrderLineId == orderLineId, ct);
        if (pool is null) return 0;
        var now = time.GetUtcNow();
        var released = 0;
        while (released < count)
        {
            var candidate = await db.Seats.AsNoTracking().Where(s => s.PoolId == pool.Id && (s.State == SeatState.Available || s.State == SeatState.Assigned))
                .OrderBy(s => s.State == SeatState.Available ? 0 : 1).ThenByDescending(s => s.Number).FirstOrDefaultAsync(ct);
            if (candidate is null) break;
            var updated = await db.Seats.Where(s => s.Id == candidate.Id && s.State == candidate.State).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SeatState.Released)
                .SetProperty(s => s.AssigneeEmail, (string?)null)
                .SetProperty(s => s.ReleasedUtc, now), ct);
            if (updated == 0) continue;
            db.Movements.Add(new SeatMovement { SeatId = candidate.Id, PoolId = pool.Id, From = candidate.State, To = SeatState.Released, Email = candidate.AssigneeEmail, Reason = reason, ByUserId = byUserId, AtUtc = now });
            // An assigned seat is not started (a started one is consumed and never released): its enrolment closes with it.
            if (candidate.State == SeatState.Assigned) await CloseEnrolmentAsync(candidate, EnrolmentCloseReasons.Refund, ct);
            released++;
        }
        await db.SaveChangesAsync(ct);
        return released;
    }

    /// <summary>Closes the enrolment opened through this seat (none when the invited person never signed in).</summary>
    private async Task CloseEnrolmentAsync(Seat seat, string reason, CancellationToken ct)
    {
        if (seat.AssigneeUserId is not { } userId) return;
        var moduleId = await db.Pools.AsNoTracking().Where(p => p.Id == seat.PoolId).Select(p => p.ModuleId).FirstAsync(ct);
        await enrolments.CloseAsync(userId, moduleId, EnrolmentSources.Commerce, seat.Id.ToString(), reason, ct);
    }

    /// <summary>At sign-in: seats assigned by e-mail to a person who had no account are bound to the account and their enrolments opened.</summary>
    public async Task BindPendingAsync(string userId, string email, CancellationToken ct)
    {
        var normalised = CommercePeople.Normalise(email);
        var pending = await db.Seats.AsNoTracking().Where(s => s.AssigneeEmail == normalised && s.AssigneeUserId == null && s.State == SeatState.Assigned).ToListAsync(ct);
        foreach (var seat in pending)
        {
            var pool = await db.Pools.AsNoTracking().FirstAsync(p => p.Id == seat.PoolId, ct);
            await database.InTransactionAsync(async () =>
            {
                var bound = await db.Seats.Where(s => s.Id == seat.Id && s.AssigneeUserId == null && s.State == SeatState.Assigned)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.AssigneeUserId, userId), ct);
                if (bound == 1) await enrolments.OpenAsync(userId, pool.ModuleId, EnrolmentSources.Commerce, seat.Id.ToString(), ct);
            }, ct);
        }
    }
}
