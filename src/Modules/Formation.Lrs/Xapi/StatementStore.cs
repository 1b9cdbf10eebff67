using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Tenancy;

namespace Formation.Lrs.Xapi;

public sealed record IncomingAttachment(string Sha2, string ContentType, byte[] Content);

public sealed record StatementQuery
{
    public string? AgentKey { get; init; }
    public bool RelatedAgents { get; init; }
    public string? VerbId { get; init; }
    public string? ActivityId { get; init; }
    public bool RelatedActivities { get; init; }
    public string? Registration { get; init; }
    /// <summary>Only statements stored by this authority (statements/read/mine).</summary>
    public string? AuthorityKey { get; init; }
    public long? SinceTicks { get; init; }
    public long? UntilTicks { get; init; }
    public int Limit { get; init; }
    public bool Ascending { get; init; }
    public long? Cursor { get; init; }
}

public sealed record StoredStatementRow(long Seq, string Json);

/// <summary>
/// Statement storage on the scope's connection with plain parameterised SQL: one insert per statement plus its side
/// rows, all in one transaction; the outbox is written only for statements with a registration.
/// </summary>
public sealed class StatementStore(ShellDatabase database, TenantContext tenant, TimeProvider time, DomainEvents events)
{
    public const int MaxLimit = 500;

    private string TenantId => tenant.TenantId ?? throw new InvalidOperationException("No portal in this scope.");

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = database.Connection;
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        return connection;
    }

    private DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = database.Transaction;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Stores statements already validated. Sets id, stored, authority, version and timestamp. Same id and same content
    /// is accepted without a second copy; same id and different content is a conflict (409).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> StoreAsync(IReadOnlyList<JsonObject> statements, JsonObject authority, string defaultVersion,
        IReadOnlyList<IncomingAttachment> attachments, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var stored = XapiJson.FormatTimestamp(now);
        var ids = new List<Guid>(statements.Count);
        var seen = new HashSet<Guid>();
        foreach (var statement in statements)
        {
            var id = statement["id"] is { } idNode ? Guid.Parse(idNode.GetValue<string>()) : Guid.NewGuid();
            if (!seen.Add(id)) throw XapiException.Bad($"Statement id {id} appears twice in the request.");
            ids.Add(id);
            statement["id"] = id.ToString();
        }

        var connection = await OpenAsync(ct);
        var tenantId = TenantId;
        var authorityKey = XapiJson.ActorKey(authority);
        var ownTransaction = database.Transaction is null;
        var transaction = ownTransaction ? await database.BeginTransactionAsync(ct) : null;
        try
        {
            // Existing ids: identical content is accepted (idempotent retry), different content is a conflict.
            var existing = await ExistingHashesAsync(connection, ids, ct);
            var voidTargets = new List<string>();
            await using var insert = Command(connection,
                "INSERT INTO lrs_statement (\"TenantId\", \"StatementId\", \"VerbId\", \"ActivityId\", \"ActorKey\", \"AuthorityKey\", \"Registration\", \"TargetStatementId\", \"StoredTicks\", \"TimestampTicks\", \"Voided\", \"IsVoiding\", \"Json\", \"ContentHash\") "
                + "VALUES (@t, @id, @verb, @activity, @actor, @authority, @registration, @target, @stored, @timestamp, @voided, @voiding, @json, @hash) RETURNING \"Seq\"");
            foreach (var name in new[] { "@t", "@id", "@verb", "@activity", "@actor", "@authority", "@registration", "@target", "@stored", "@timestamp", "@voided", "@voiding", "@json", "@hash" })
                Add(insert, name, null);
            await using var link = Command(connection,
                "INSERT INTO lrs_statement_link (\"TenantId\", \"StatementSeq\", \"Kind\", \"Key\", \"Direct\") VALUES (@t, @seq, @kind, @key, @direct)");
            foreach (var name in new[] { "@t", "@seq", "@kind", "@key", "@direct" }) Add(link, name, null);
            var links = new List<(char Kind, string Key, bool Direct)>();

            for (var i = 0; i < statements.Count; i++)
            {
                var statement = statements[i];
                XapiJson.Normalise(statement);
                var hash = XapiJson.ContentHash(statement);
                var id = ids[i].ToString();
                if (existing.TryGetValue(id, out var existingHash))
                {
                    if (existingHash != hash) throw new XapiException(409, $"Statement {id} already exists with a different content.");
                    continue;
                }
                statement["stored"] = stored;
                statement["authority"] = authority.DeepClone();
                if (!statement.ContainsKey("version")) statement["version"] = defaultVersion;
                if (!statement.ContainsKey("timestamp")) statement["timestamp"] = stored;
                var timestamp = XapiValidator.ParseTimestamp(statement["timestamp"]!.GetValue<string>(), XapiVersion.V103) ?? now;

                var obj = (JsonObject)statement["object"]!;
                var verbId = statement["verb"]!["id"]!.GetValue<string>();
                var objectType = XapiJson.Str(obj["objectType"]) ?? "Activity";
                var isVoiding = verbId == XapiValidator.VoidedVerb;
                string? target = objectType == "StatementRef" ? XapiJson.Str(obj["id"])!.ToLowerInvariant() : null;
                if (isVoiding) voidTargets.Add(target!);
                var registration = XapiJson.Str(statement["context"]?["registration"])?.ToLowerInvariant();

                insert.Parameters[0].Value = tenantId;
                insert.Parameters[1].Value = id;
                insert.Parameters[2].Value = verbId;
                insert.Parameters[3].Value = objectType == "Activity" ? XapiJson.Str(obj["id"]) : DBNull.Value;
                insert.Parameters[4].Value = XapiJson.ActorKey((JsonObject)statement["actor"]!);
                insert.Parameters[5].Value = authorityKey;
                insert.Parameters[6].Value = (object?)registration ?? DBNull.Value;
                insert.Parameters[7].Value = (object?)target ?? DBNull.Value;
                insert.Parameters[8].Value = now.UtcTicks;
                insert.Parameters[9].Value = timestamp.UtcTicks;
                insert.Parameters[10].Value = false;
                insert.Parameters[11].Value = isVoiding;
                insert.Parameters[12].Value = statement.ToJsonString(XapiJson.Options);
                insert.Parameters[13].Value = hash;
                var seq = Convert.ToInt64(await insert.ExecuteScalarAsync(ct));

                links.Clear();
                XapiJson.CollectLinks(statement, links);
                foreach (var (kind, key, direct) in links.Distinct())
                {
                    if (!direct && links.Contains((kind, key, true))) continue;
                    link.Parameters[0].Value = tenantId;
                    link.Parameters[1].Value = seq;
                    link.Parameters[2].Value = kind.ToString();
                    link.Parameters[3].Value = key;
                    link.Parameters[4].Value = direct;
                    await link.ExecuteNonQueryAsync(ct);
                }

                if (registration is not null && objectType == "Activity")
                {
                    var result = statement["result"] as JsonObject;
                    await events.RaiseAsync(new LrsStatementStored(tenantId, ids[i], verbId, XapiJson.Str(obj["id"])!, Guid.Parse(registration),
                        SessionIdOf(statement), BoolOf(result?["success"]), BoolOf(result?["completion"]), DoubleOf(result?["score"]?["scaled"])), ct);
                }
            }

            if (voidTargets.Count > 0)
            {
                // A voiding statement cannot itself be voided; other targets are marked voided (unknown ones are kept as refs).
                await using var check = Command(connection, "SELECT \"IsVoiding\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"StatementId\" = @id");
                Add(check, "@t", tenantId); Add(check, "@id", null);
                await using var mark = Command(connection, "UPDATE lrs_statement SET \"Voided\" = @v WHERE \"TenantId\" = @t AND \"StatementId\" = @id");
                Add(mark, "@v", true); Add(mark, "@t", tenantId); Add(mark, "@id", null);
                foreach (var target in voidTargets)
                {
                    check.Parameters[1].Value = target;
                    if (await check.ExecuteScalarAsync(ct) is { } isVoiding and not DBNull && Convert.ToBoolean(isVoiding))
                        throw XapiException.Bad($"Statement {target} is a voiding statement and cannot be voided.");
                    mark.Parameters[2].Value = target;
                    await mark.ExecuteNonQueryAsync(ct);
                }
            }

            if (attachments.Count > 0)
            {
                var sql = database.Provider == DatabaseProvider.Postgres
                    ? "INSERT INTO lrs_attachment (\"TenantId\", \"Sha2\", \"ContentType\", \"Content\") VALUES (@t, @sha, @type, @content) ON CONFLICT DO NOTHING"
                    : "INSERT OR IGNORE INTO lrs_attachment (\"TenantId\", \"Sha2\", \"ContentType\", \"Content\") VALUES (@t, @sha, @type, @content)";
                await using var attach = Command(connection, sql);
                Add(attach, "@t", tenantId); Add(attach, "@sha", null); Add(attach, "@type", null); Add(attach, "@content", null);
                foreach (var attachment in attachments)
                {
                    attach.Parameters[1].Value = attachment.Sha2;
                    attach.Parameters[2].Value = attachment.ContentType;
                    attach.Parameters[3].Value = attachment.Content;
                    await attach.ExecuteNonQueryAsync(ct);
                }
            }

            if (transaction is not null) await transaction.CommitAsync();
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync();
        }
        return ids;
    }

    private async Task<Dictionary<string, string>> ExistingHashesAsync(DbConnection connection, List<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<string, string>();
        if (ids.Count == 0) return result;
        var sql = new StringBuilder("SELECT \"StatementId\", \"ContentHash\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"StatementId\" IN (");
        await using var command = Command(connection, "");
        Add(command, "@t", TenantId);
        for (var i = 0; i < ids.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append("@i").Append(i);
            Add(command, "@i" + i, ids[i].ToString());
        }
        command.CommandText = sql.Append(')').ToString();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetString(1);
        return result;
    }

    internal static string? SessionIdOf(JsonObject statement) =>
        XapiJson.Str(statement["context"]?["extensions"]?["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]);

    internal static bool? BoolOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
    internal static double? DoubleOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    /// <summary>One statement by id: (json, voided) or null.</summary>
    public async Task<(string Json, bool Voided)?> FindAsync(Guid id, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT \"Json\", \"Voided\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"StatementId\" = @id");
        Add(command, "@t", TenantId);
        Add(command, "@id", id.ToString());
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>
    /// Statements matching the filters, newest first (or oldest first), not voided; statements that refer to a matching
    /// statement through a StatementRef match too. Returns up to limit+1 rows so the caller knows whether more exist.
    /// </summary>
    public async Task<List<StoredStatementRow>> QueryAsync(StatementQuery query, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        await using var command = Command(connection, "");
        Add(command, "@t", TenantId);
        Add(command, "@f", false);

        string Filters(string alias)
        {
            var where = new StringBuilder($"{alias}.\"TenantId\" = @t");
            if (query.VerbId is not null) where.Append($" AND {alias}.\"VerbId\" = @verb");
            if (query.ActivityId is not null)
                where.Append(query.RelatedActivities
                    ? $" AND {alias}.\"Seq\" IN (SELECT l.\"StatementSeq\" FROM lrs_statement_link l WHERE l.\"TenantId\" = @t AND l.\"Kind\" = 'C' AND l.\"Key\" = @activity)"
                    : $" AND {alias}.\"ActivityId\" = @activity");
            if (query.AgentKey is not null)
                where.Append(query.RelatedAgents
                    ? $" AND ({alias}.\"Seq\" IN (SELECT l.\"StatementSeq\" FROM lrs_statement_link l WHERE l.\"TenantId\" = @t AND l.\"Kind\" = 'A' AND l.\"Key\" = @agent) OR {alias}.\"AuthorityKey\" = @agent)"
                    : $" AND {alias}.\"Seq\" IN (SELECT l.\"StatementSeq\" FROM lrs_statement_link l WHERE l.\"TenantId\" = @t AND l.\"Kind\" = 'A' AND l.\"Key\" = @agent AND l.\"Direct\" = @true)");
            if (query.Registration is not null) where.Append($" AND {alias}.\"Registration\" = @registration");
            return where.ToString();
        }

        if (query.VerbId is not null) Add(command, "@verb", query.VerbId);
        if (query.ActivityId is not null) Add(command, "@activity", query.ActivityId);
        if (query.AgentKey is not null) { Add(command, "@agent", query.AgentKey); Add(command, "@true", true); }
        if (query.Registration is not null) Add(command, "@registration", query.Registration);
        if (query.AuthorityKey is not null) Add(command, "@authority", query.AuthorityKey);

        var own = new StringBuilder(" AND s.\"Voided\" = @f");
        if (query.SinceTicks is not null) { own.Append(" AND s.\"StoredTicks\" > @since"); Add(command, "@since", query.SinceTicks); }
        if (query.UntilTicks is not null) { own.Append(" AND s.\"StoredTicks\" <= @until"); Add(command, "@until", query.UntilTicks); }
        if (query.Cursor is not null)
        {
            own.Append(query.Ascending ? " AND s.\"Seq\" > @cursor" : " AND s.\"Seq\" < @cursor");
            Add(command, "@cursor", query.Cursor);
        }
        var order = query.Ascending ? "ASC" : "DESC";
        Add(command, "@limit", query.Limit + 1);
        var hasFilters = query.VerbId is not null || query.ActivityId is not null || query.AgentKey is not null || query.Registration is not null;
        if (query.AuthorityKey is not null) own.Append(" AND s.\"AuthorityKey\" = @authority");
        var sql = $"SELECT s.\"Seq\", s.\"Json\" FROM lrs_statement s WHERE {Filters("s")}{own} ORDER BY s.\"Seq\" {order} LIMIT @limit";
        if (hasFilters)
        {
            // Statements targeting a matching statement (StatementRef) meet the filters too.
            sql = $"SELECT \"Seq\", \"Json\" FROM ({sql}) a UNION SELECT \"Seq\", \"Json\" FROM (SELECT s.\"Seq\", s.\"Json\" FROM lrs_statement s "
                + $"JOIN lrs_statement t ON t.\"TenantId\" = s.\"TenantId\" AND t.\"StatementId\" = s.\"TargetStatementId\" "
                + $"WHERE s.\"TenantId\" = @t AND {Filters("t")}{own} ORDER BY s.\"Seq\" {order} LIMIT @limit) b ORDER BY \"Seq\" {order} LIMIT @limit";
        }
        command.CommandText = sql;
        var rows = new List<StoredStatementRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(new StoredStatementRow(reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }

    public async Task<Dictionary<string, (string ContentType, byte[] Content)>> AttachmentsAsync(IEnumerable<string> hashes, CancellationToken ct)
    {
        var result = new Dictionary<string, (string, byte[])>();
        var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT \"ContentType\", \"Content\" FROM lrs_attachment WHERE \"TenantId\" = @t AND \"Sha2\" = @sha");
        Add(command, "@t", TenantId);
        Add(command, "@sha", null);
        foreach (var hash in hashes.Distinct())
        {
            command.Parameters[1].Value = hash;
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) result[hash] = (reader.GetString(0), (byte[])reader.GetValue(1));
        }
        return result;
    }

    /// <summary>The latest definition of an activity seen in a statement (object or context), or null.</summary>
    public async Task<List<string>> StatementsMentioningActivityAsync(string activityId, int max, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "SELECT s.\"Json\" FROM lrs_statement s WHERE s.\"TenantId\" = @t AND s.\"Seq\" IN (SELECT l.\"StatementSeq\" FROM lrs_statement_link l WHERE l.\"TenantId\" = @t AND l.\"Kind\" = 'C' AND l.\"Key\" = @a) ORDER BY s.\"Seq\" DESC LIMIT @n");
        Add(command, "@t", TenantId);
        Add(command, "@a", activityId);
        Add(command, "@n", max);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(reader.GetString(0));
        return list;
    }

    public async Task<List<string>> ForRegistrationAsync(string registration, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        await using var command = Command(connection,
            "SELECT \"Json\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"Registration\" = @r AND \"Voided\" = @f ORDER BY \"Seq\"");
        Add(command, "@t", TenantId);
        Add(command, "@r", registration);
        Add(command, "@f", false);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(reader.GetString(0));
        return list;
    }
}
