using System.Security.Cryptography;
using Formation.Lrs.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Lrs.Xapi;

public sealed record DocumentKey(string Kind, string ActivityId, string AgentKey, string Registration, string DocumentId);

/// <summary>State, activity-profile and agent-profile documents of the current portal.</summary>
public sealed class DocumentStore(LrsDbContext db, TimeProvider time)
{
    public const string State = "state";
    public const string ActivityProfile = "activity-profile";
    public const string AgentProfile = "agent-profile";

    public Task<LrsDocument?> FindAsync(DocumentKey key, CancellationToken ct) =>
        db.Documents.FirstOrDefaultAsync(d => d.Kind == key.Kind && d.ActivityId == key.ActivityId && d.AgentKey == key.AgentKey
            && d.Registration == key.Registration && d.DocumentId == key.DocumentId, ct);

    public async Task<List<(string Id, long Updated)>> ListAsync(string kind, string activityId, string agentKey, string? registration, long? sinceTicks, CancellationToken ct)
    {
        var query = db.Documents.AsNoTracking().Where(d => d.Kind == kind && d.ActivityId == activityId && d.AgentKey == agentKey);
        if (registration is not null) query = query.Where(d => d.Registration == registration);
        if (sinceTicks is not null) query = query.Where(d => d.UpdatedTicks > sinceTicks);
        var rows = await query.Select(d => new { d.DocumentId, d.UpdatedTicks }).ToListAsync(ct);
        return rows.Select(r => (r.DocumentId, r.UpdatedTicks)).Distinct().ToList();
    }

    public static string ETagOf(byte[] content) => Convert.ToHexStringLower(SHA1.HashData(content));

    public async Task<LrsDocument> SaveAsync(DocumentKey key, string contentType, byte[] content, CancellationToken ct)
    {
        var document = await FindAsync(key, ct);
        var now = time.GetUtcNow().UtcTicks;
        if (document is null)
        {
            document = new LrsDocument
            {
                Kind = key.Kind, ActivityId = key.ActivityId, AgentKey = key.AgentKey, Registration = key.Registration,
                DocumentId = key.DocumentId, ContentType = contentType, Content = content, ETag = ETagOf(content), UpdatedTicks = now,
            };
            db.Documents.Add(document);
        }
        else
        {
            document.ContentType = contentType;
            document.Content = content;
            document.ETag = ETagOf(content);
            document.UpdatedTicks = now;
        }
        await db.SaveChangesAsync(ct);
        return document;
    }

    public async Task DeleteAsync(DocumentKey key, CancellationToken ct)
    {
        var document = await FindAsync(key, ct);
        if (document is null) return;
        db.Documents.Remove(document);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Deletes every state document of an activity and agent (optionally of one registration).</summary>
    public async Task DeleteAllStatesAsync(string activityId, string agentKey, string? registration, CancellationToken ct)
    {
        var query = db.Documents.Where(d => d.Kind == State && d.ActivityId == activityId && d.AgentKey == agentKey);
        if (registration is not null) query = query.Where(d => d.Registration == registration);
        await query.ExecuteDeleteAsync(ct);
    }
}
