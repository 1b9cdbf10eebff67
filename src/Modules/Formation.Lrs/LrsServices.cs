using System.Text;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Formation.Lrs.Xapi;

namespace Formation.Lrs;

/// <summary>Statements the platform issues itself (the cmi5 LMS), validated like POST /xapi/statements in 2.0.</summary>
internal sealed class LrsStatementWriter(StatementStore store, LrsCredentials credentials) : ILrsStatementWriter
{
    public async Task<Guid> StoreAsync(JsonObject statement, CancellationToken ct = default)
    {
        try
        {
            XapiValidator.ValidateStatement(statement, XapiVersion.V200);
            var ids = await store.StoreAsync([statement], credentials.LmsAuthority(), "2.0.0", [], ct);
            return ids[0];
        }
        catch (XapiException ex) { throw new LrsValidationException(ex.Message); }
    }
}

internal sealed class LrsStatementReader(StatementStore store) : ILrsStatementReader
{
    public async Task<IReadOnlyList<LrsStatementSummary>> ForRegistrationAsync(Guid registration, CancellationToken ct = default)
    {
        var list = new List<LrsStatementSummary>();
        foreach (var json in await store.ForRegistrationAsync(registration.ToString(), ct))
        {
            var s = JsonNode.Parse(json)!.AsObject();
            var result = s["result"] as JsonObject;
            list.Add(new LrsStatementSummary(
                Guid.Parse(XapiJson.Str(s["id"])!),
                XapiJson.Str(s["verb"]?["id"])!,
                XapiJson.Str(s["object"]?["id"]) ?? "",
                registration,
                StatementStore.SessionIdOf(s),
                XapiValidator.ParseTimestamp(XapiJson.Str(s["timestamp"])!, XapiVersion.V103) ?? default,
                XapiValidator.ParseTimestamp(XapiJson.Str(s["stored"])!, XapiVersion.V103) ?? default,
                StatementStore.BoolOf(result?["success"]), StatementStore.BoolOf(result?["completion"]),
                StatementStore.DoubleOf(result?["score"]?["scaled"]), XapiJson.Str(result?["duration"]), json));
        }
        return list;
    }
}

internal sealed class LrsDocuments(DocumentStore store) : ILrsDocuments
{
    private static string AgentKey(JsonObject agent)
    {
        try { XapiValidator.Actor(agent, "agent", XapiVersion.V200); }
        catch (XapiException ex) { throw new LrsValidationException(ex.Message); }
        return XapiJson.ActorKey(agent);
    }

    public async Task PutStateAsync(string activityId, JsonObject agent, Guid? registration, string stateId, string contentType, byte[] content, CancellationToken ct = default)
    {
        if (!XapiValidator.IsIri(activityId)) throw new LrsValidationException("activityId is not an IRI.");
        await store.SaveAsync(new DocumentKey(DocumentStore.State, activityId, AgentKey(agent), registration?.ToString() ?? "", stateId), contentType, content, ct);
    }

    public async Task<byte[]?> GetStateAsync(string activityId, JsonObject agent, Guid? registration, string stateId, CancellationToken ct = default) =>
        (await store.FindAsync(new DocumentKey(DocumentStore.State, activityId, AgentKey(agent), registration?.ToString() ?? "", stateId), ct))?.Content;

    public async Task<byte[]?> GetAgentProfileAsync(JsonObject agent, string profileId, CancellationToken ct = default) =>
        (await store.FindAsync(new DocumentKey(DocumentStore.AgentProfile, "", AgentKey(agent), "", profileId), ct))?.Content;
}
