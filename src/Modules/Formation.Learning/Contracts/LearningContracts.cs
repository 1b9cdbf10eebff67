using Formation.Shell.Events;

namespace Formation.Learning.Contracts;

/// <summary>Where an enrolment comes from.</summary>
public static class EnrolmentSources
{
    /// <summary>Free self-enrolment in a MOOC.</summary>
    public const string Self = "self";
    /// <summary>A paid order (Commerce), <c>reference</c> = the order or seat id.</summary>
    public const string Commerce = "commerce";
}

/// <summary>Why an enrolment's access was closed.</summary>
public static class EnrolmentCloseReasons
{
    /// <summary>The purchase that opened it was refunded.</summary>
    public const string Refund = "refund";
    /// <summary>The employer took the seat back before the learner started.</summary>
    public const string SeatReclaimed = "seat-reclaimed";

    /// <summary>What the learner reads: "Accès clos (remboursement)".</summary>
    public static string Label(string? reason) => reason switch
    {
        Refund => "Accès clos (remboursement)",
        SeatReclaimed => "Accès clos (place reprise par l'employeur)",
        _ => "Accès clos",
    };
}

/// <param name="ClosedUtc">Set when access was closed (<see cref="IEnrolments.CloseAsync"/>): nothing can be launched any more.</param>
public sealed record EnrolmentDto(Guid Id, string UserId, Guid ModuleId, Guid Registration, string Source, string? Reference,
    DateTimeOffset EnrolledUtc, DateTimeOffset? CompletedUtc, DateTimeOffset? ClosedUtc = null, string? ClosedReason = null);

/// <summary>
/// Enrolments of the current portal. Commerce opens paid enrolments with <see cref="OpenAsync"/> once an order is paid;
/// opening twice for one learner and module returns the existing enrolment (idempotent). Commerce closes them with
/// <see cref="CloseAsync"/> when what opened them is refunded or taken back.
/// </summary>
public interface IEnrolments
{
    /// <summary>
    /// Opens the enrolment, or returns the existing one. A closed enrolment is opened again for the new source and reference
    /// (a new purchase): its registration, statements and progress carry on.
    /// </summary>
    /// <exception cref="Formation.Shell.Validation.ValidationFailedException">Unknown learner, or a module this portal does not show.</exception>
    Task<EnrolmentDto> OpenAsync(string userId, Guid moduleId, string source, string? reference, CancellationToken ct = default);
    /// <summary>
    /// Closes the learner's enrolment in the module if it was opened by exactly this <paramref name="source"/> and
    /// <paramref name="reference"/> (an enrolment opened by something else is left alone). The enrolment, its statements and
    /// any certificate are kept (a certificate stays valid); it shows as closed and can no longer launch content.
    /// Returns false when there was nothing to close. Joins the caller's transaction.
    /// </summary>
    Task<bool> CloseAsync(string userId, Guid moduleId, string source, string reference, string reason, CancellationToken ct = default);
    Task<EnrolmentDto?> FindAsync(string userId, Guid moduleId, CancellationToken ct = default);
}

/// <summary>A learner satisfied the whole course of a module (cmi5 moveOn); the certificate is issued in the same transaction.</summary>
public sealed record EnrolmentCompleted(Guid EnrolmentId, string UserId, Guid ModuleId, string CertificateCode) : IDomainEvent;

/// <summary>
/// A learner launched a module for the first time (raised once per enrolment, in the transaction of the first launch).
/// Commerce consumes the seat named by <see cref="Reference"/> when <see cref="Source"/> is <see cref="EnrolmentSources.Commerce"/>.
/// </summary>
public sealed record EnrolmentStarted(Guid EnrolmentId, string UserId, Guid ModuleId, string Source, string? Reference, DateTimeOffset StartedUtc) : IDomainEvent;

/// <summary>Where a learner stands in one module: for the employer space (progress, completion, certificate download).</summary>
/// <param name="CertificateCode">The certificate's verification code once completed (download at <c>/mes-formations/certificats/{code}.pdf</c>).</param>
public sealed record LearnerProgressDto(Guid EnrolmentId, string UserId, Guid ModuleId, string Source, string? Reference,
    DateTimeOffset EnrolledUtc, DateTimeOffset? StartedUtc, DateTimeOffset? LastActivityUtc, DateTimeOffset? CompletedUtc, string? CertificateCode,
    DateTimeOffset? ClosedUtc = null);

/// <summary>The enrolments of a set of learners of the current portal, read-only.</summary>
public interface ILearnerProgress
{
    Task<IReadOnlyList<LearnerProgressDto>> ForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default);
}
