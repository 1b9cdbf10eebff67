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
/// Statement storage on the scope's connection with plain parameterised SQL: on SQLite (in process) a prepared insert per
/// statement and per side row, on PostgreSQL one multi-row insert per request or group of requests; the outbox is
/// written only for statements with a registration.
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
    /// is accepted without a second copy; same id and different content is a conflict (409). Every check runs before
    /// the first write, so a refused request has written nothing.
    /// </summary>
    /// <param name="savepoint">
    /// When given (the ingest queue stores several requests in one transaction), the request's writes happen under a
    /// savepoint of this name, opened and released in the same round trips as the writes; the caller rolls back to it
    /// when this throws.
    /// </param>
    public async Task<IReadOnlyList<Guid>> StoreAsync(IReadOnlyList<JsonObject> statements, JsonObject authority, string defaultVersion,
        IReadOnlyList<IncomingAttachment> attachments, CancellationToken ct, string? savepoint = null)
    {
        var now = time.GetUtcNow();
        var ids = AssignIds(statements);

        var connection = await OpenAsync(ct);
        var tenantId = TenantId;
        var authorityKey = XapiJson.ActorKey(authority);
        var batched = database.Provider == DatabaseProvider.Postgres && connection.CanCreateBatch;
        var ownTransaction = database.Transaction is null;
        var transaction = ownTransaction ? await database.BeginTransactionAsync(ct) : null;
        try
        {
            // Existing ids: identical content is accepted (idempotent retry), different content is a conflict.
            var existing = await ExistingHashesAsync(connection, ids, savepoint, ct);
            var rows = PlanRows(statements, ids, authority, authorityKey, defaultVersion, existing, now, tenantId);

            // A voiding statement cannot itself be voided, whether it is stored already or comes in this request.
            var voiding = rows.Where(r => r.IsVoiding).ToList();
            var voidTargets = voiding.Select(r => r.Target!).ToList();
            if (voidTargets.Count > 0)
            {
                var voidingHere = voiding.Select(r => r.Id).ToHashSet();
                await using var check = Command(connection, "SELECT \"IsVoiding\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"StatementId\" = @id");
                Add(check, "@t", tenantId); Add(check, "@id", null);
                foreach (var target in voidTargets)
                {
                    check.Parameters[1].Value = target;
                    if (voidingHere.Contains(target)
                        || await check.ExecuteScalarAsync(ct) is { } isVoiding and not DBNull && Convert.ToBoolean(isVoiding))
                        throw XapiException.Bad($"Statement {target} is a voiding statement and cannot be voided.");
                }
            }

            // The savepoint is released with the inserts only when no other write of the request follows them: a later
            // failure must still be able to roll back to it.
            var released = false;
            if (batched)
            {
                released = savepoint is not null && voidTargets.Count == 0 && attachments.Count == 0;
                await InsertInOneRoundTripAsync(connection, tenantId, now.UtcTicks, rows.Select(r => (r, authorityKey)).ToList(), released ? savepoint : null, ct);
            }
            else
            {
                await InsertOneByOneAsync(connection, tenantId, authorityKey, now.UtcTicks, rows, ct);
                await events.RaiseAllAsync(rows.Where(r => r.Stored is not null).Select(r => (IDomainEvent)r.Stored!).ToList(), ct);
            }

            if (voidTargets.Count > 0)
            {
                // Targets are marked voided (unknown ones are kept as refs and match nothing).
                await using var mark = Command(connection, "UPDATE lrs_statement SET \"Voided\" = @v WHERE \"TenantId\" = @t AND \"StatementId\" = @id");
                Add(mark, "@v", true); Add(mark, "@t", tenantId); Add(mark, "@id", null);
                foreach (var target in voidTargets)
                {
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

            if (savepoint is not null && !released)
            {
                await using var release = Command(connection, $"RELEASE SAVEPOINT {savepoint}");
                await release.ExecuteNonQueryAsync(ct);
            }
            if (transaction is not null) await transaction.CommitAsync();
        }
        catch when (savepoint is not null)
        {
            // Undo this request only; the others of the transaction stay. (Refusals come before the first write, but a
            // database error may come from the writes, and on PostgreSQL it leaves the transaction unusable until then.)
            try
            {
                await using var rollback = Command(connection, $"ROLLBACK TO SAVEPOINT {savepoint}");
                await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (DbException) { /* the savepoint was never opened: the connection failed before it */ }
            throw;
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync();
        }
        return ids;
    }

    /// <summary>Gives every statement its id (kept when sent); an id twice in one request is refused.</summary>
    private static List<Guid> AssignIds(IReadOnlyList<JsonObject> statements)
    {
        var ids = new List<Guid>(statements.Count);
        var seen = new HashSet<Guid>();
        foreach (var statement in statements)
        {
            var id = statement["id"] is { } idNode ? Guid.Parse(idNode.GetValue<string>()) : Guid.NewGuid();
            if (!seen.Add(id)) throw XapiException.Bad($"Statement id {id} appears twice in the request.");
            ids.Add(id);
            statement["id"] = id.ToString();
        }
        return ids;
    }

    /// <summary>
    /// The rows to insert for one request, with every check that needs no database: a statement already stored (in
    /// <paramref name="existing"/>) with the same content is skipped, with another content it is a conflict (409).
    /// </summary>
    private static List<StatementRow> PlanRows(IReadOnlyList<JsonObject> statements, List<Guid> ids, JsonObject authority, string authorityKey,
        string defaultVersion, IReadOnlyDictionary<string, string> existing, DateTimeOffset now, string tenantId)
    {
        var stored = XapiJson.FormatTimestamp(now);
        var rows = new List<StatementRow>(statements.Count);
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
            var addedTimestamp = !statement.ContainsKey("timestamp");
            if (addedTimestamp) statement["timestamp"] = stored;
            var timestamp = XapiValidator.ParseTimestamp(statement["timestamp"]!.GetValue<string>(), XapiVersion.V103) ?? now;

            var obj = (JsonObject)statement["object"]!;
            var verbId = statement["verb"]!["id"]!.GetValue<string>();
            var objectType = XapiJson.Str(obj["objectType"]) ?? "Activity";
            var registration = XapiJson.Str(statement["context"]?["registration"])?.ToLowerInvariant();
            var links = new List<(char Kind, string Key, bool Direct)>();
            XapiJson.CollectLinks(statement, links);
            var distinct = links.Distinct().Where(l => l.Direct || !links.Contains((l.Kind, l.Key, true))).ToList();
            LrsStatementStored? storedEvent = null;
            if (registration is not null && objectType == "Activity")
            {
                var result = statement["result"] as JsonObject;
                storedEvent = new LrsStatementStored(tenantId, ids[i], verbId, XapiJson.Str(obj["id"])!, Guid.Parse(registration),
                    SessionIdOf(statement), BoolOf(result?["success"]), BoolOf(result?["completion"]), DoubleOf(result?["score"]?["scaled"]));
            }
            rows.Add(new StatementRow(id, verbId, objectType == "Activity" ? XapiJson.Str(obj["id"]) : null,
                XapiJson.ActorKey((JsonObject)statement["actor"]!), registration,
                objectType == "StatementRef" ? XapiJson.Str(obj["id"])!.ToLowerInvariant() : null,
                timestamp.UtcTicks, verbId == XapiValidator.VoidedVerb, statement.ToJsonString(XapiJson.Options), hash, distinct, storedEvent,
                statement, addedTimestamp));
        }
        return rows;
    }

    /// <summary>One request of a group stored together (<see cref="TryStoreGroupAsync"/>).</summary>
    public sealed record GroupRequest(IReadOnlyList<JsonObject> Statements, JsonObject Authority, string DefaultVersion, IReadOnlyList<IncomingAttachment> Attachments);

    /// <summary>
    /// PostgreSQL: several requests of this portal stored in one round trip, one multi-row insert for their statements
    /// and their links, atomic by itself (the open transaction's, or the implicit one of the batch). No lookup comes
    /// first: an id stored already breaks the unique index, the database error leaves the statements as they came and
    /// nothing written, and the caller stores the requests one by one, where a repeat is told from a conflict. Each
    /// request gets its ids or its refusal; a refused request writes nothing. Returns null, having written nothing,
    /// when the group needs the request-by-request path (voiding statements, attachments).
    /// </summary>
    public async Task<(IReadOnlyList<Guid>? Ids, Exception? Error)[]?> TryStoreGroupAsync(IReadOnlyList<GroupRequest> requests, CancellationToken ct)
    {
        if (requests.Any(r => r.Attachments.Count > 0 || r.Statements.Any(s => s["verb"]?["id"]?.GetValue<string>() == XapiValidator.VoidedVerb)))
            return null;
        var now = time.GetUtcNow();
        var tenantId = TenantId;
        var results = new (IReadOnlyList<Guid>? Ids, Exception? Error)[requests.Count];
        // Ids planned by earlier requests of the group: the same statement again is accepted, not inserted twice.
        var planned = new Dictionary<string, string>();
        var rows = new List<(StatementRow Row, string AuthorityKey)>();
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            try
            {
                var ids = AssignIds(request.Statements);
                var authorityKey = XapiJson.ActorKey(request.Authority);
                foreach (var row in PlanRows(request.Statements, ids, request.Authority, authorityKey, request.DefaultVersion, planned, now, tenantId))
                {
                    planned[row.Id] = row.Hash;
                    rows.Add((row, authorityKey));
                }
                results[r] = (ids, null);
            }
            catch (XapiException ex) { results[r] = (null, ex); }
        }
        if (rows.Count == 0) return results;

        var connection = await OpenAsync(ct);
        try
        {
            await InsertInOneRoundTripAsync(connection, tenantId, now.UtcTicks, rows, releaseSavepoint: null, ct);
        }
        catch (DbException)
        {
            foreach (var (row, _) in rows) if (row.AddedTimestamp) row.Statement.Remove("timestamp");
            throw;
        }
        return results;
    }

    /// <summary>The statements of a group and their links in one insert: arrays unnested, links joined to the new rows' numbers.</summary>
    private static DbBatchCommand MultiRowInsert(DbBatch batch, string tenantId, long storedTicks, List<(StatementRow Row, string AuthorityKey)> rows)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = MultiRowInsertSql;
        var links = rows.SelectMany(p => p.Row.Links.Select(l => (p.Row.Id, l.Kind, l.Key, l.Direct))).ToList();
        AddTo(command, "@t", tenantId);
        AddTo(command, "@stored", storedTicks);
        AddTo(command, "@ids", rows.Select(p => p.Row.Id).ToArray());
        AddTo(command, "@verbs", rows.Select(p => p.Row.VerbId).ToArray());
        AddTo(command, "@activities", rows.Select(p => p.Row.ActivityId).ToArray());
        AddTo(command, "@actors", rows.Select(p => p.Row.ActorKey).ToArray());
        AddTo(command, "@authorities", rows.Select(p => p.AuthorityKey).ToArray());
        AddTo(command, "@registrations", rows.Select(p => p.Row.Registration).ToArray());
        AddTo(command, "@targets", rows.Select(p => p.Row.Target).ToArray());
        AddTo(command, "@timestamps", rows.Select(p => p.Row.TimestampTicks).ToArray());
        AddTo(command, "@voiding", rows.Select(p => p.Row.IsVoiding).ToArray());
        AddTo(command, "@jsons", rows.Select(p => p.Row.Json).ToArray());
        AddTo(command, "@hashes", rows.Select(p => p.Row.Hash).ToArray());
        AddTo(command, "@link_ids", links.Select(l => l.Id).ToArray());
        AddTo(command, "@link_kinds", links.Select(l => l.Kind.ToString()).ToArray());
        AddTo(command, "@link_keys", links.Select(l => l.Key).ToArray());
        AddTo(command, "@link_direct", links.Select(l => l.Direct).ToArray());
        return command;
    }

    // Statements take their numbers in the order of the arrays (the ORDER BY), so a request's statements keep its order.
    private const string MultiRowInsertSql =
        "WITH s AS (INSERT INTO lrs_statement (" + InsertStatementColumns + ") "
        + "SELECT @t, u.id, u.verb, u.activity, u.actor, u.authority, u.registration, u.target, @stored, u.ts, FALSE, u.voiding, u.json, u.hash "
        + "FROM unnest(@ids, @verbs, @activities, @actors, @authorities, @registrations, @targets, @timestamps, @voiding, @jsons, @hashes) "
        + "WITH ORDINALITY AS u(id, verb, activity, actor, authority, registration, target, ts, voiding, json, hash, n) ORDER BY u.n "
        + "RETURNING \"Seq\", \"StatementId\") "
        + "INSERT INTO lrs_statement_link (\"TenantId\", \"StatementSeq\", \"Kind\", \"Key\", \"Direct\") "
        + "SELECT @t, s.\"Seq\", l.kind, l.key, l.direct FROM unnest(@link_ids, @link_kinds, @link_keys, @link_direct) AS l(id, kind, key, direct) "
        + "JOIN s ON s.\"StatementId\" = l.id";

    /// <summary>
    /// A statement ready to insert: its indexed columns, its JSON, its links and the event it raises. AddedTimestamp: the
    /// LRS gave the statement its timestamp (the stored time), undone if the write must be tried again.
    /// </summary>
    private sealed record StatementRow(string Id, string VerbId, string? ActivityId, string ActorKey, string? Registration, string? Target,
        long TimestampTicks, bool IsVoiding, string Json, string Hash, List<(char Kind, string Key, bool Direct)> Links, LrsStatementStored? Stored,
        JsonObject Statement, bool AddedTimestamp);

    private const string InsertStatementColumns =
        "\"TenantId\", \"StatementId\", \"VerbId\", \"ActivityId\", \"ActorKey\", \"AuthorityKey\", \"Registration\", \"TargetStatementId\", \"StoredTicks\", \"TimestampTicks\", \"Voided\", \"IsVoiding\", \"Json\", \"ContentHash\"";
    private const string InsertStatementValues = "@t, @id, @verb, @activity, @actor, @authority, @registration, @target, @stored, @timestamp, @voided, @voiding, @json, @hash";
    private const string InsertLinkSql = "INSERT INTO lrs_statement_link (\"TenantId\", \"StatementSeq\", \"Kind\", \"Key\", \"Direct\") VALUES (@t, @seq, @kind, @key, @direct)";

    private static object?[] StatementValues(string tenantId, string authorityKey, long storedTicks, StatementRow row) =>
        [tenantId, row.Id, row.VerbId, row.ActivityId, row.ActorKey, authorityKey, row.Registration, row.Target, storedTicks, row.TimestampTicks,
         false, row.IsVoiding, row.Json, row.Hash];

    private static readonly string[] StatementParameters = ["@t", "@id", "@verb", "@activity", "@actor", "@authority", "@registration", "@target", "@stored", "@timestamp", "@voided", "@voiding", "@json", "@hash"];
    private static readonly string[] LinkParameters = ["@t", "@seq", "@kind", "@key", "@direct"];

    /// <summary>SQLite, in process: a prepared command per table, one execution per row.</summary>
    private async Task InsertOneByOneAsync(DbConnection connection, string tenantId, string authorityKey, long storedTicks, List<StatementRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var insert = Command(connection, $"INSERT INTO lrs_statement ({InsertStatementColumns}) VALUES ({InsertStatementValues}) RETURNING \"Seq\"");
        foreach (var name in StatementParameters) Add(insert, name, null);
        await using var link = Command(connection, InsertLinkSql);
        foreach (var name in LinkParameters) Add(link, name, null);
        foreach (var row in rows)
        {
            var values = StatementValues(tenantId, authorityKey, storedTicks, row);
            for (var p = 0; p < values.Length; p++) insert.Parameters[p].Value = values[p] ?? DBNull.Value;
            var seq = Convert.ToInt64(await insert.ExecuteScalarAsync(ct));
            foreach (var (kind, key, direct) in row.Links)
            {
                link.Parameters[0].Value = tenantId;
                link.Parameters[1].Value = seq;
                link.Parameters[2].Value = kind.ToString();
                link.Parameters[3].Value = key;
                link.Parameters[4].Value = direct;
                await link.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>
    /// PostgreSQL, over the network: statements, their links and their outbox rows in one round trip (one multi-row
    /// insert), with the release of a savepoint when given. Runs in the open transaction, or commits by itself.
    /// </summary>
    private async Task InsertInOneRoundTripAsync(DbConnection connection, string tenantId, long storedTicks, List<(StatementRow Row, string AuthorityKey)> rows,
        string? releaseSavepoint, CancellationToken ct)
    {
        var outbox = rows.Where(p => p.Row.Stored is not null).Select(p => (IDomainEvent)p.Row.Stored!).ToList();
        await using var batch = connection.CreateBatch();
        batch.Transaction = database.Transaction;
        if (rows.Count > 0) batch.BatchCommands.Add(MultiRowInsert(batch, tenantId, storedTicks, rows));
        events.AddTo(batch, outbox);
        if (releaseSavepoint is not null)
        {
            var release = batch.CreateBatchCommand();
            release.CommandText = $"RELEASE SAVEPOINT {releaseSavepoint}";
            batch.BatchCommands.Add(release);
        }
        if (batch.BatchCommands.Count == 0) return;
        await batch.ExecuteNonQueryAsync(ct);
        events.Written(outbox);
    }

    private static void AddTo(DbBatchCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>Stored hashes of the ids that exist (opening the savepoint, when given, in the same round trip).</summary>
    private async Task<Dictionary<string, string>> ExistingHashesAsync(DbConnection connection, List<Guid> ids, string? savepoint, CancellationToken ct)
    {
        var result = new Dictionary<string, string>();
        var sql = new StringBuilder(savepoint is null ? "" : $"SAVEPOINT {savepoint}; ");
        // Prepared (auto-prepare), this lookup would keep the plan PostgreSQL chose for it when the table was nearly
        // empty: a sequential scan, each request then reading the whole table until the next ANALYZE. Planned each time.
        if (database.Provider == DatabaseProvider.Postgres && ids.Count > 0) sql.Append("SET LOCAL plan_cache_mode = force_custom_plan; ");
        if (ids.Count == 0)
        {
            if (savepoint is null) return result;
            await using var open = Command(connection, sql.ToString());
            await open.ExecuteNonQueryAsync(ct);
            return result;
        }
        sql.Append("SELECT \"StatementId\", \"ContentHash\" FROM lrs_statement WHERE \"TenantId\" = @t AND \"StatementId\" IN (");
        await using var command = Command(connection, "");
        Add(command, "@t", TenantId);
        for (var i = 0; i < ids.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append("@i").Append(i);
            Add(command, "@i" + i, ids[i].ToString());
        }
        sql.Append(')');
        command.CommandText = sql.ToString();
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
            // Statements targeting a matching statement (StatementRef) meet the filters too. They are few: found from the
            // matching statements through the target index. (Joined the other way, SQLite walked every statement in
            // sequence order looking for targets, seconds a query at 1,000,000 statements; "+" keeps it off that order.
            // "IS NOT NULL" lets both databases use the target index, which holds StatementRefs only.)
            sql = $"SELECT \"Seq\", \"Json\" FROM ({sql}) a UNION SELECT \"Seq\", \"Json\" FROM (SELECT s.\"Seq\", s.\"Json\" FROM lrs_statement s "
                + $"WHERE s.\"TenantId\" = @t AND s.\"TargetStatementId\" IS NOT NULL AND s.\"TargetStatementId\" IN (SELECT t.\"StatementId\" FROM lrs_statement t WHERE {Filters("t")}){own} "
                + $"ORDER BY +s.\"Seq\" {order} LIMIT @limit) b ORDER BY \"Seq\" {order} LIMIT @limit";
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
