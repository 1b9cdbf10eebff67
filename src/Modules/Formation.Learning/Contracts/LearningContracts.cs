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

public sealed record EnrolmentDto(Guid Id, string UserId, Guid ModuleId, Guid Registration, string Source, string? Reference,
    DateTimeOffset EnrolledUtc, DateTimeOffset? CompletedUtc);

/// <summary>
/// Enrolments of the current portal. Commerce opens paid enrolments with <see cref="OpenAsync"/> once an order is paid;
/// opening twice for one learner and module returns the existing enrolment (idempotent).
/// </summary>
public interface IEnrolments
{
    /// <exception cref="Formation.Shell.Validation.ValidationFailedException">Unknown learner, or a module this portal does not show.</exception>
    Task<EnrolmentDto> OpenAsync(string userId, Guid moduleId, string source, string? reference, CancellationToken ct = default);
    Task<EnrolmentDto?> FindAsync(string userId, Guid moduleId, CancellationToken ct = default);
}

/// <summary>A learner satisfied the whole course of a module (cmi5 moveOn); the certificate is issued in the same transaction.</summary>
public sealed record EnrolmentCompleted(Guid EnrolmentId, string UserId, Guid ModuleId, string CertificateCode) : IDomainEvent;
