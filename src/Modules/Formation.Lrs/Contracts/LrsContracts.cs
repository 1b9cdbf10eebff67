using System.Text.Json.Nodes;
using Formation.Shell.Events;

namespace Formation.Lrs.Contracts;

/// Stores statements issued by the platform itself (cmi5 LMS: launched, satisfied, abandoned, waived).
public interface ILrsStatementWriter
{
    /// Validates like POST /xapi/statements (2.0.0 rules), sets id/stored/authority (the portal's LMS authority),
    /// stores in the current portal; returns the statement id. Throws LrsValidationException (message) when invalid.
    Task<Guid> StoreAsync(JsonObject statement, CancellationToken ct = default);
}

/// Reads statements of the current portal for progress (not voided ones unless asked).
public interface ILrsStatementReader
{
    Task<IReadOnlyList<LrsStatementSummary>> ForRegistrationAsync(Guid registration, CancellationToken ct = default);
}

public sealed record LrsStatementSummary(
    Guid Id, string VerbId, string ActivityId, Guid? Registration, string? SessionId /* context.extensions cmi5 sessionid */,
    DateTimeOffset Timestamp, DateTimeOffset Stored,
    bool? Success, bool? Completion, double? ScaledScore, string? Duration /* ISO 8601 */, string Json);

/// State / agent-profile documents written or read by the LMS (LMS.LaunchData, cmi5LearnerPreferences).
public interface ILrsDocuments
{
    Task PutStateAsync(string activityId, JsonObject agent, Guid? registration, string stateId,
                       string contentType, byte[] content, CancellationToken ct = default);
    Task<byte[]?> GetStateAsync(string activityId, JsonObject agent, Guid? registration, string stateId, CancellationToken ct = default);
    Task<byte[]?> GetAgentProfileAsync(JsonObject agent, string profileId, CancellationToken ct = default);
}

/// Short-lived credentials for one cmi5 AU session. The token returned is used by the AU as
/// `Authorization: Basic <token>` on /xapi (so it is base64 of "key:secret" of a temporary credential),
/// scoped to that actor and registration, valid until ExpiresAt or revocation.
public interface ILrsSessionTokens
{
    Task<string> IssueAsync(LrsSessionGrant grant, CancellationToken ct = default);
    Task RevokeAsync(string token, CancellationToken ct = default);
}

public sealed record LrsSessionGrant(JsonObject Actor, Guid Registration, string AuActivityId, string SessionId, DateTimeOffset ExpiresAt);

/// Optional policy the LMS plugs in: called for every statement POSTed/PUT with a session token, before storing.
/// Return null to accept, or a reason to reject (the LRS answers 403 with that reason). Registered by Learning
/// as a scoped service; the LRS uses all registered policies (none registered → accept).
public interface ILrsSessionStatementPolicy
{
    Task<string?> CheckAsync(LrsSessionGrant session, JsonObject statement, CancellationToken ct = default);
}

/// Optional hook the LMS plugs in: called once statements sent with a session token are stored, before the LRS answers,
/// so that what they settle (cmi5 "satisfied" for blocks and the course) is recorded before the AU's next statement.
/// A failure is logged and does not fail the AU's request (the <see cref="LrsStatementStored"/> events come after).
public interface ILrsSessionStatementsStored
{
    Task StoredAsync(LrsSessionGrant session, IReadOnlyList<JsonObject> statements, CancellationToken ct = default);
}

/// Raised (domain event, through the outbox, in the same transaction as the insert) for each stored statement that
/// carries context.registration — not for the others (keeps bulk ingest cheap).
public sealed record LrsStatementStored(string TenantId, Guid StatementId, string VerbId, string ActivityId,
    Guid Registration, string? SessionId, bool? Success, bool? Completion, double? ScaledScore) : IDomainEvent;

/// Thrown by <see cref="ILrsStatementWriter"/> when a statement breaks the xAPI rules; the message says which.
public sealed class LrsValidationException(string message) : Exception(message);
