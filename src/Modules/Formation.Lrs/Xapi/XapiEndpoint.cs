using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace Formation.Lrs.Xapi;

/// <summary>One xAPI request, whether it came as plain HTTP or through the 1.0.3 alternate request syntax.</summary>
internal sealed class XapiRequest
{
    public required string Method { get; init; }
    public required string Resource { get; init; }
    public required Dictionary<string, string> Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public required byte[] Body { get; init; }
    public XapiVersion Version { get; set; }
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public string? ContentType => Header("Content-Type");
}

/// <summary>The xAPI LRS at /xapi: statements, documents, activities, agents, about (1.0.3 and 2.0.0).</summary>
internal sealed class XapiEndpoint(StatementStore statements, LrsCredentials credentials,
    TimeProvider time, IServiceProvider services, Microsoft.Extensions.Configuration.IConfiguration configuration,
    IngestQueue ingest, Formation.Shell.Tenancy.TenantContext tenant)
{
    // Only document requests need the document store (and its DbContext, whose set-up showed in ingest profiles).
    private DocumentStore? _documents;
    private DocumentStore documents => _documents ??= services.GetRequiredService<DocumentStore>();

    /// <summary>
    /// Version announced on errors to requests that name no version: the 1.0.3 and 2.0 test suites expect their own
    /// for the same request, so operators whose clients all speak 1.0.3 may set <c>Lrs:DefaultVersion=1.0.3</c>.
    /// </summary>
    private string DefaultVersion => configuration["Lrs:DefaultVersion"] == "1.0.3" ? "1.0.3" : "2.0.0";

    public const long MaxBody = 20 * 1024 * 1024;
    private static readonly string[] ForwardedHeaders = ["Authorization", "X-Experience-API-Version", "Content-Type", "If-Match", "If-None-Match"];

    public async Task HandleAsync(HttpContext http)
    {
        XapiVersion? version = null;
        // Clients compare Date with stored/Consistent-Through; set it here too, not only by Kestrel.
        http.Response.Headers.Date = time.GetUtcNow().ToString("R");
        try
        {
            var request = await ReadAsync(http);
            if (request is null) return;
            if (request.Resource == "about")
            {
                if (request.Method is not ("GET" or "HEAD")) throw new XapiException(405, "Only GET is allowed on /about.");
                http.Response.Headers["X-Experience-API-Version"] = "2.0.0";
                await WriteJsonAsync(http, 200, new JsonObject { ["version"] = new JsonArray("1.0.3", "2.0.0"), ["extensions"] = new JsonObject() });
                return;
            }
            version = ParseVersion(request.Header("X-Experience-API-Version"));
            request.Version = version.Value;
            http.Response.Headers["X-Experience-API-Version"] = version == XapiVersion.V200 ? "2.0.0" : "1.0.3";
            if (request.Query.ContainsKey("method") || http.Request.Query.ContainsKey("method"))
                if (version == XapiVersion.V200) throw XapiException.Bad("The alternate request syntax is not supported in xAPI 2.0.");

            var caller = await credentials.AuthenticateAsync(request.Header("Authorization"), http.RequestAborted);
            if (caller is null)
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"xAPI\"";
                throw new XapiException(401, "Valid LRS credentials are required (HTTP Basic).");
            }

            switch (request.Resource)
            {
                case "statements": await StatementsAsync(http, request, caller); break;
                case "activities/state": await StateAsync(http, request, caller); break;
                case "activities/profile": await ActivityProfileAsync(http, request, caller); break;
                case "agents/profile": await AgentProfileAsync(http, request, caller); break;
                case "activities": await ActivitiesAsync(http, request, caller); break;
                case "agents": await AgentsAsync(http, request, caller); break;
                default: throw new XapiException(404, $"No xAPI resource '{request.Resource}'.");
            }
        }
        catch (XapiException ex)
        {
            if (!http.Response.Headers.ContainsKey("X-Experience-API-Version"))
                http.Response.Headers["X-Experience-API-Version"] = version switch
                {
                    XapiVersion.V103 => "1.0.3",
                    XapiVersion.V200 => "2.0.0",
                    _ => DefaultVersion,
                };
            await ProblemAsync(http, ex.Status, ex.Message);
        }
        catch (LrsValidationException ex)
        {
            await ProblemAsync(http, 400, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await ProblemAsync(http, ex.StatusCode, ex.Message);
        }
    }

    private static XapiVersion ParseVersion(string? header) => header?.Trim() switch
    {
        null or "" => throw XapiException.Bad("The X-Experience-API-Version header is required."),
        "1.0" or "1.0.0" or "1.0.1" or "1.0.2" or "1.0.3" => XapiVersion.V103,
        "2.0" or "2.0.0" => XapiVersion.V200,
        var other => throw XapiException.Bad($"Unsupported xAPI version '{other}'."),
    };

    private async Task<XapiRequest?> ReadAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var resource = path.StartsWith("/xapi", StringComparison.Ordinal) ? path[5..].Trim('/') : path.Trim('/');
        var method = http.Request.Method.ToUpperInvariant();
        var body = await ReadBodyAsync(http.Request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in http.Request.Headers) headers[key] = value.ToString();
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in http.Request.Query)
        {
            if (value.Count > 1) throw XapiException.Bad($"Parameter '{key}' is given more than once.");
            query[key] = value.ToString();
        }

        if (query.TryGetValue("method", out var alternate))
        {
            // xAPI 1.0.3 alternate request syntax: everything travels in a form POST.
            if (method != "POST") throw XapiException.Bad("The alternate request syntax needs POST.");
            if (query.Count > 1) throw XapiException.Bad("With the alternate request syntax, 'method' is the only query parameter.");
            var formType = headers.GetValueOrDefault("Content-Type") ?? "";
            if (!formType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
                throw XapiException.Bad("The alternate request syntax needs an application/x-www-form-urlencoded body.");
            alternate = alternate.ToUpperInvariant();
            if (alternate is not ("GET" or "PUT" or "POST" or "DELETE")) throw XapiException.Bad($"Unsupported method '{alternate}'.");
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            var newQuery = new Dictionary<string, string>(StringComparer.Ordinal);
            var newHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            byte[] content = [];
            foreach (var (key, value) in form)
            {
                if (ForwardedHeaders.Contains(key, StringComparer.OrdinalIgnoreCase)) newHeaders[key] = value.ToString();
                else if (key == "content") content = Encoding.UTF8.GetBytes(value.ToString());
                else if (key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                else newQuery[key] = value.ToString();
            }
            if (!newHeaders.ContainsKey("X-Experience-API-Version") && headers.TryGetValue("X-Experience-API-Version", out var v)) newHeaders["X-Experience-API-Version"] = v;
            if (!newHeaders.ContainsKey("Authorization") && headers.TryGetValue("Authorization", out var a)) newHeaders["Authorization"] = a;
            if (ParseVersion(newHeaders.GetValueOrDefault("X-Experience-API-Version")) == XapiVersion.V200)
                throw XapiException.Bad("The alternate request syntax is not supported in xAPI 2.0.");
            if (content.Length > 0 && !newHeaders.ContainsKey("Content-Type")) newHeaders["Content-Type"] = "application/json";
            return new XapiRequest { Method = alternate, Resource = resource, Query = newQuery, Headers = newHeaders, Body = content };
        }
        return new XapiRequest { Method = method, Resource = resource, Query = query, Headers = headers, Body = body };
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBody) throw new XapiException(413, "The request body is too large.");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody) throw new XapiException(413, "The request body is too large.");
        }
        return buffer.ToArray();
    }

    // ---------------------------------------------------------------- statements

    private static readonly HashSet<string> StatementQueryParams =
        ["statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities", "related_agents",
         "since", "until", "limit", "format", "attachments", "ascending", "cursor"];

    private async Task StatementsAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        http.Response.Headers["X-Experience-API-Consistent-Through"] = XapiJson.FormatTimestamp(time.GetUtcNow());
        switch (request.Method)
        {
            case "GET" or "HEAD":
                Require(caller, LrsScopes.StatementsRead, write: false);
                await GetStatementsAsync(http, request, caller);
                break;
            case "PUT":
            {
                Require(caller, LrsScopes.StatementsWrite, write: true);
                foreach (var key in request.Query.Keys) if (key != "statementId") throw XapiException.Bad($"Unknown parameter '{key}'.");
                if (!request.Query.TryGetValue("statementId", out var idText)) throw XapiException.Bad("PUT needs the statementId parameter.");
                if (!XapiValidator.IsUuid(idText)) throw XapiException.Bad("statementId is not a UUID.");
                var (list, attachments, isArray) = await ParseStatementsBodyAsync(request);
                var statement = list.Count == 1 && !isArray ? list[0] : throw XapiException.Bad("PUT takes one statement.");
                if (statement["id"] is { } id && !string.Equals(XapiJson.Str(id), idText, StringComparison.OrdinalIgnoreCase))
                    throw XapiException.Bad("The statement id differs from the statementId parameter.");
                statement["id"] = idText.ToLowerInvariant();
                await StoreCheckedAsync([statement], attachments, request, caller, http.RequestAborted);
                http.Response.StatusCode = 204;
                break;
            }
            case "POST":
            {
                Require(caller, LrsScopes.StatementsWrite, write: true);
                if (request.Query.Count > 0) throw XapiException.Bad($"Unknown parameter '{request.Query.Keys.First()}'.");
                var (list, attachments, _) = await ParseStatementsBodyAsync(request);
                var ids = await StoreCheckedAsync(list, attachments, request, caller, http.RequestAborted);
                await WriteJsonAsync(http, 200, new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i.ToString())!).ToArray()));
                break;
            }
            default: throw new XapiException(405, $"{request.Method} is not allowed on statements.");
        }
    }

    private async Task<IReadOnlyList<Guid>> StoreCheckedAsync(List<JsonObject> list, List<IncomingAttachment> attachments, XapiRequest request, LrsCaller caller, CancellationToken ct)
    {
        if (caller.Session is { } session)
        {
            var actorKey = XapiJson.ActorKey(session.Actor);
            foreach (var statement in list)
            {
                if (XapiJson.ActorKey((JsonObject)statement["actor"]!) != actorKey)
                    throw new XapiException(403, "The statement's actor is not the session's learner.");
                if (XapiJson.Str(statement["context"]?["registration"]) is not { } registration
                    || !Guid.TryParse(registration, out var r) || r != session.Registration)
                    throw new XapiException(403, "The statement's registration is not the session's registration.");
                var verb = XapiJson.Str(statement["verb"]?["id"]);
                if (verb == XapiValidator.VoidedVerb)
                    throw new XapiException(403, "AU session credentials cannot void statements (cmi5 6.3).");
                if (verb == Cmi5LearnerPreferences.InitializedVerb
                    && !await services.GetRequiredService<LrsSessionTokens>().HasReadPreferencesAsync(caller.Key, ct))
                    throw new XapiException(403, "The AU must read the learner preferences (agent profile cmi5LearnerPreferences) before its initialized statement (cmi5 11.0).");
                foreach (var policy in services.GetServices<ILrsSessionStatementPolicy>())
                    if (await policy.CheckAsync(session, statement, ct) is { } reason) throw new XapiException(403, reason);
            }
        }
        var ids = await ingest.StoreAsync(new IngestRequest(tenant.Required, list, caller.Authority, request.Version == XapiVersion.V200 ? "2.0.0" : "1.0.0", attachments), ct);
        if (caller.Session is { } stored)
            foreach (var hook in services.GetServices<ILrsSessionStatementsStored>())
            {
                try { await hook.StoredAsync(stored, list, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    services.GetRequiredService<ILogger<XapiEndpoint>>().LogWarning(ex, "Suite des déclarations de session non appliquée (registration {Registration})", stored.Registration);
                }
            }
        return ids;
    }

    private static void Require(LrsCaller caller, string scope, bool write)
    {
        if (!caller.Can(scope, write)) throw new XapiException(403, $"These credentials lack the '{scope}' scope.");
    }

    private const string SignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

    private static async Task<(List<JsonObject>, List<IncomingAttachment>, bool IsArray)> ParseStatementsBodyAsync(XapiRequest request)
    {
        var contentType = request.ContentType ?? "";
        var parts = new List<(string ContentType, string? Hash, string? Encoding, byte[] Content)>();
        byte[] json;
        if (contentType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
                throw XapiException.Bad("multipart/mixed needs a boundary.");
            var reader = new MultipartReader(boundary, new MemoryStream(request.Body));
            var first = true;
            json = [];
            try
            {
                while (await reader.ReadNextSectionAsync() is { } section)
                {
                    using var content = new MemoryStream();
                    await section.Body.CopyToAsync(content);
                    var type = section.ContentType ?? "";
                    if (first)
                    {
                        if (!type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                            throw XapiException.Bad("The first part of a multipart request must be application/json.");
                        json = content.ToArray();
                        first = false;
                        continue;
                    }
                    section.Headers!.TryGetValue("X-Experience-API-Hash", out var hash);
                    section.Headers.TryGetValue("Content-Transfer-Encoding", out var encoding);
                    parts.Add((type, hash.Count > 0 ? hash.ToString() : null, encoding.Count > 0 ? encoding.ToString() : null, content.ToArray()));
                }
            }
            catch (IOException ex) { throw XapiException.Bad("Malformed multipart body: " + ex.Message); }
            catch (InvalidDataException ex) { throw XapiException.Bad("Malformed multipart body: " + ex.Message); }
            if (first) throw XapiException.Bad("The multipart body has no statement part.");
        }
        else if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Length == 0 && request.Body.Length > 0)
            json = request.Body;
        else throw XapiException.Bad($"Statements must be sent as application/json or multipart/mixed, not '{contentType}'.");

        var node = ParseJson(json);
        var list = node switch
        {
            JsonArray array => array.Select(n => XapiValidator.Obj(n, "statement")).ToList(),
            JsonObject obj => [obj],
            _ => throw XapiException.Bad("The body must be a statement or an array of statements."),
        };
        foreach (var statement in list) XapiValidator.ValidateStatement(statement, request.Version);

        // Attachments: every declared one without fileUrl needs its part, matched by hash; no stray parts.
        var byHash = new Dictionary<string, (string ContentType, string? Encoding, byte[] Content)>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            if (part.Hash is null) throw XapiException.Bad("Every attachment part needs an X-Experience-API-Hash header.");
            if (part.Encoding is null || !part.Encoding.Equals("binary", StringComparison.OrdinalIgnoreCase))
                throw XapiException.Bad("Every attachment part needs Content-Transfer-Encoding: binary.");
            byHash[part.Hash] = (part.ContentType, part.Encoding, part.Content);
        }
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stored = new List<IncomingAttachment>();
        foreach (var statement in list)
        {
            if (statement["attachments"] is not JsonArray declared) continue;
            foreach (var item in declared.OfType<JsonObject>())
            {
                var sha2 = XapiJson.Str(item["sha2"])!;
                var usage = XapiJson.Str(item["usageType"]);
                if (byHash.TryGetValue(sha2, out var part))
                {
                    if (!HashMatches(sha2, part.Content)) throw XapiException.Bad($"The attachment part {sha2} does not match its hash.");
                    used.Add(sha2);
                    stored.Add(new IncomingAttachment(sha2.ToLowerInvariant(), XapiJson.Str(item["contentType"])!, part.Content));
                    if (usage == SignatureUsage) VerifySignature(statement, item, part.Content);
                }
                else if (item["fileUrl"] is null)
                    throw XapiException.Bad($"The attachment {sha2} has neither a part nor a fileUrl.");
                else if (usage == SignatureUsage)
                    throw XapiException.Bad("A signature attachment must be sent as a part.");
            }
        }
        foreach (var hash in byHash.Keys)
            if (!used.Contains(hash)) throw XapiException.Bad($"The part {hash} matches no attachment of the statements.");
        return (list, stored.DistinctBy(a => a.Sha2).ToList(), node is JsonArray);
    }

    private static bool HashMatches(string sha2, byte[] content)
    {
        var actual = sha2.Length switch
        {
            64 => SHA256.HashData(content),
            96 => SHA384.HashData(content),
            128 => SHA512.HashData(content),
            _ => null,
        };
        return actual is not null && Convert.ToHexString(actual).Equals(sha2, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A signed statement: a JWS (RS256/384/512) whose payload is the statement itself.</summary>
    private static void VerifySignature(JsonObject statement, JsonObject attachment, byte[] content)
    {
        if (XapiJson.Str(attachment["contentType"]) != "application/octet-stream")
            throw XapiException.Bad("A signature attachment must have the contentType application/octet-stream.");
        var parts = Encoding.ASCII.GetString(content).Trim().Split('.');
        if (parts.Length != 3) throw XapiException.Bad("The signature is not a JWS in compact serialisation.");
        JsonObject header;
        JsonObject payload;
        byte[] signature;
        try
        {
            header = (JsonObject)JsonNode.Parse(Base64UrlDecode(parts[0]))!;
            payload = (JsonObject)JsonNode.Parse(Base64UrlDecode(parts[1]))!;
            signature = Base64UrlDecode(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidCastException or NullReferenceException)
        {
            throw XapiException.Bad("The signature is not a valid JWS.");
        }
        var alg = XapiJson.Str(header["alg"]);
        var hash = alg switch
        {
            "RS256" => HashAlgorithmName.SHA256,
            "RS384" => HashAlgorithmName.SHA384,
            "RS512" => HashAlgorithmName.SHA512,
            _ => throw XapiException.Bad($"Signature algorithm '{alg}' is not allowed (RS256, RS384 or RS512)."),
        };
        if (header["x5c"] is JsonArray chain && chain.Count > 0 && XapiJson.Str(chain[0]) is { } certificate)
        {
            try
            {
                using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificate));
                using var rsa = cert.GetRSAPublicKey() ?? throw XapiException.Bad("The signing certificate has no RSA key.");
                if (!rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, hash, RSASignaturePadding.Pkcs1))
                    throw XapiException.Bad("The statement signature does not verify.");
            }
            catch (CryptographicException) { throw XapiException.Bad("The signing certificate cannot be read."); }
        }
        if (!SameStatement(payload, statement)) throw XapiException.Bad("The signed payload differs from the statement.");
    }

    private static bool SameStatement(JsonObject signed, JsonObject statement)
    {
        static JsonObject Strip(JsonObject s)
        {
            var copy = (JsonObject)s.DeepClone();
            copy.Remove("attachments");
            copy.Remove("id");
            return copy;
        }
        var a = Strip(signed);
        var b = Strip(statement);
        XapiJson.Normalise(a);
        XapiJson.Normalise(b);
        if (signed["id"] is { } sid && statement["id"] is { } id && !string.Equals(XapiJson.Str(sid), XapiJson.Str(id), StringComparison.OrdinalIgnoreCase)) return false;
        return XapiJson.ContentHash(a) == XapiJson.ContentHash(b);
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        return Convert.FromBase64String(s);
    }

    private static JsonNode ParseJson(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })
                ?? throw XapiException.Bad("The body is null.");
        }
        catch (JsonException ex) { throw XapiException.Bad("The body is not valid JSON: " + ex.Message); }
    }

    private async Task GetStatementsAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        var q = request.Query;
        foreach (var key in q.Keys) if (!StatementQueryParams.Contains(key)) throw XapiException.Bad($"Unknown parameter '{key}'.");
        var format = q.GetValueOrDefault("format") ?? "exact";
        if (format is not ("exact" or "ids" or "canonical")) throw XapiException.Bad($"Unknown format '{format}'.");
        var withAttachments = ParseBool(q, "attachments");
        var languages = XapiJson.AcceptLanguages(request.Header("Accept-Language"));

        if (q.ContainsKey("statementId") || q.ContainsKey("voidedStatementId"))
        {
            if (q.ContainsKey("statementId") && q.ContainsKey("voidedStatementId")) throw XapiException.Bad("Give statementId or voidedStatementId, not both.");
            foreach (var key in q.Keys)
                if (key is not ("statementId" or "voidedStatementId" or "format" or "attachments"))
                    throw XapiException.Bad($"Parameter '{key}' cannot be used with statementId or voidedStatementId.");
            var voided = q.ContainsKey("voidedStatementId");
            var text = voided ? q["voidedStatementId"] : q["statementId"];
            if (!Guid.TryParse(text, out var id) || !XapiValidator.IsUuid(text)) throw XapiException.Bad("The statement id is not a UUID.");
            var found = await statements.FindAsync(id, http.RequestAborted);
            if (found is null || found.Value.Voided != voided) throw new XapiException(404, "No such statement.");
            var statement = (JsonObject)JsonNode.Parse(found.Value.Json)!;
            if (caller.Session is not null
                && (!Guid.TryParse(XapiJson.Str(statement["context"]?["registration"]), out var reg) || reg != caller.Session.Registration))
                throw new XapiException(404, "No such statement.");
            if (caller.ReadsOnlyOwn && caller.Session is null && XapiJson.ActorKey((JsonObject)statement["authority"]!) != XapiJson.ActorKey(caller.Authority))
                throw new XapiException(404, "No such statement.");
            var stored = XapiValidator.ParseTimestamp(XapiJson.Str(statement["stored"])!, XapiVersion.V200);
            if (stored is not null) http.Response.Headers.LastModified = stored.Value.ToString("R");
            var formatted = Format(statement, format, languages);
            await WriteStatementsAsync(http, formatted, [formatted], withAttachments);
            return;
        }

        var query = new StatementQuery
        {
            AgentKey = q.TryGetValue("agent", out var agentText) ? AgentKeyOf(agentText, "agent", request.Version) : null,
            VerbId = q.TryGetValue("verb", out var verb) ? (XapiValidator.IsIri(verb) ? verb : throw XapiException.Bad("verb is not an IRI.")) : null,
            ActivityId = q.TryGetValue("activity", out var activity) ? (XapiValidator.IsIri(activity) ? activity : throw XapiException.Bad("activity is not an IRI.")) : null,
            Registration = q.TryGetValue("registration", out var registration)
                ? (XapiValidator.IsUuid(registration) ? registration.ToLowerInvariant() : throw XapiException.Bad("registration is not a UUID.")) : null,
            RelatedActivities = ParseBool(q, "related_activities"),
            RelatedAgents = ParseBool(q, "related_agents"),
            SinceTicks = q.TryGetValue("since", out var since) ? ParseInstant(since, "since") : null,
            UntilTicks = q.TryGetValue("until", out var until) ? ParseInstant(until, "until") : null,
            Ascending = ParseBool(q, "ascending"),
            Limit = q.TryGetValue("limit", out var limitText)
                ? (int.TryParse(limitText, out var limit) && limit >= 0 ? (limit == 0 || limit > StatementStore.MaxLimit ? StatementStore.MaxLimit : limit) : throw XapiException.Bad("limit must be a non-negative integer."))
                : StatementStore.MaxLimit,
            Cursor = q.TryGetValue("cursor", out var cursor) ? (long.TryParse(cursor, out var c) ? c : throw XapiException.Bad("Invalid cursor.")) : null,
        };
        if (caller.Session is not null) query = query with { Registration = caller.Session.Registration.ToString() };
        else if (caller.ReadsOnlyOwn) query = query with { AuthorityKey = XapiJson.ActorKey(caller.Authority) };

        var rows = await statements.QueryAsync(query, http.RequestAborted);
        var page = rows.Take(query.Limit).ToList();
        var list = new List<JsonObject>(page.Count);
        foreach (var row in page) list.Add(Format((JsonObject)JsonNode.Parse(row.Json)!, format, languages));
        var result = new JsonObject { ["statements"] = new JsonArray(list.Select(s => (JsonNode)s).ToArray()) };
        if (rows.Count > query.Limit)
        {
            var next = new Dictionary<string, string?>(q.Where(p => p.Key != "cursor").Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
            {
                ["cursor"] = page[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            result["more"] = QueryHelpers.AddQueryString(http.Request.PathBase + "/xapi/statements", next);
        }
        else result["more"] = "";
        await WriteStatementsAsync(http, result, list, withAttachments);
    }

    private static JsonObject Format(JsonObject statement, string format, IReadOnlyList<string> languages) => format switch
    {
        "ids" => XapiJson.ToIds(statement),
        "canonical" => XapiJson.ToCanonical(statement, languages),
        _ => statement,
    };

    private async Task WriteStatementsAsync(HttpContext http, JsonNode body, List<JsonObject> list, bool withAttachments)
    {
        if (!withAttachments)
        {
            await WriteJsonAsync(http, 200, body);
            return;
        }
        var hashes = list.SelectMany(s => (s["attachments"] as JsonArray ?? []).Concat((s["object"]?["attachments"] as JsonArray) ?? []))
            .OfType<JsonObject>().Select(a => XapiJson.Str(a["sha2"])!.ToLowerInvariant()).Distinct().ToList();
        var contents = await statements.AttachmentsAsync(hashes, http.RequestAborted);
        var boundary = "xapi-" + Guid.NewGuid().ToString("N");
        http.Response.StatusCode = 200;
        http.Response.ContentType = $"multipart/mixed; boundary={boundary}";
        using var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.UTF8.GetBytes(text));
        Write($"--{boundary}\r\nContent-Type: application/json\r\n\r\n");
        output.Write(JsonSerializer.SerializeToUtf8Bytes(body, XapiJson.Options));
        foreach (var (hash, (contentType, content)) in contents)
        {
            Write($"\r\n--{boundary}\r\nContent-Type: {contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {hash}\r\n\r\n");
            output.Write(content);
        }
        Write($"\r\n--{boundary}--\r\n");
        http.Response.ContentLength = output.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(output.ToArray());
    }

    private static bool ParseBool(Dictionary<string, string> q, string name) =>
        !q.TryGetValue(name, out var value) ? false
        : value switch { "true" => true, "false" => false, _ => throw XapiException.Bad($"{name} must be true or false.") };

    private static long ParseInstant(string text, string name) =>
        XapiValidator.ParseTimestamp(text, XapiVersion.V103)?.UtcTicks ?? throw XapiException.Bad($"{name} is not an ISO 8601 timestamp.");

    private static string AgentKeyOf(string json, string name, XapiVersion version)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { throw XapiException.Bad($"{name} is not valid JSON."); }
        XapiValidator.Actor(node, name, version);
        return XapiJson.AgentKey((JsonObject)node!) ?? throw XapiException.Bad($"{name} must be identified (an anonymous group cannot be a filter).");
    }

    private static JsonObject AgentOf(XapiRequest request, XapiVersion version)
    {
        if (!request.Query.TryGetValue("agent", out var json)) throw XapiException.Bad("The agent parameter is required.");
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException) { throw XapiException.Bad("agent is not valid JSON."); }
        var agent = XapiValidator.Obj(node, "agent");
        if (XapiJson.Str(agent["objectType"]) == "Group") XapiValidator.Actor(agent, "agent", version);
        else XapiValidator.Agent(agent, "agent");
        return agent;
    }

    // ---------------------------------------------------------------- documents

    private async Task StateAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        Require(caller, LrsScopes.State, write: request.Method is "PUT" or "POST" or "DELETE");
        Allow(request, "activityId", "agent", "registration", "stateId", "since");
        var activityId = RequiredIri(request, "activityId");
        var agent = AgentOf(request, request.Version);
        var agentKey = XapiJson.ActorKey(agent);
        string? registration = null;
        if (request.Query.TryGetValue("registration", out var r))
            registration = XapiValidator.IsUuid(r) ? r.ToLowerInvariant() : throw XapiException.Bad("registration is not a UUID.");
        if (caller.Session is { } session && (agentKey != XapiJson.ActorKey(session.Actor)))
            throw new XapiException(403, "These credentials only reach the session learner's documents.");
        request.Query.TryGetValue("stateId", out var stateId);
        // LMS.LaunchData is the LMS's: an AU only reads it (cmi5 10.2.1).
        if (caller.Session is not null && request.Method is not ("GET" or "HEAD") && (stateId is null or Cmi5LearnerPreferences.LaunchDataStateId))
            throw new XapiException(403, "An AU may read LMS.LaunchData, not write or delete it.");
        if (stateId is null)
        {
            if (request.Method is "GET" or "HEAD")
            {
                var since = request.Query.TryGetValue("since", out var s) ? ParseInstant(s, "since") : (long?)null;
                var ids = await documents.ListAsync(DocumentStore.State, activityId, agentKey, registration, since, http.RequestAborted);
                await WriteJsonAsync(http, 200, new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i.Id)!).ToArray()));
                return;
            }
            if (request.Method == "DELETE")
            {
                await documents.DeleteAllStatesAsync(activityId, agentKey, registration, http.RequestAborted);
                http.Response.StatusCode = 204;
                return;
            }
            throw XapiException.Bad("The stateId parameter is required.");
        }
        if (request.Query.ContainsKey("since")) throw XapiException.Bad("since cannot be used with stateId.");
        await DocumentAsync(http, request, new DocumentKey(DocumentStore.State, activityId, agentKey, registration ?? "", stateId),
            concurrencyRequired: request.Version == XapiVersion.V200);
    }

    private async Task ActivityProfileAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        Require(caller, LrsScopes.Profile, write: request.Method is "PUT" or "POST" or "DELETE");
        Allow(request, "activityId", "profileId", "since");
        var activityId = RequiredIri(request, "activityId");
        if (!request.Query.TryGetValue("profileId", out var profileId))
        {
            if (request.Method is not ("GET" or "HEAD")) throw XapiException.Bad("The profileId parameter is required.");
            var since = request.Query.TryGetValue("since", out var s) ? ParseInstant(s, "since") : (long?)null;
            var ids = await documents.ListAsync(DocumentStore.ActivityProfile, activityId, "", null, since, http.RequestAborted);
            await WriteJsonAsync(http, 200, new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i.Id)!).ToArray()));
            return;
        }
        if (request.Query.ContainsKey("since")) throw XapiException.Bad("since cannot be used with profileId.");
        await DocumentAsync(http, request, new DocumentKey(DocumentStore.ActivityProfile, activityId, "", "", profileId), concurrencyRequired: true);
    }

    private async Task AgentProfileAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        Require(caller, LrsScopes.Profile, write: request.Method is "PUT" or "POST" or "DELETE");
        Allow(request, "agent", "profileId", "since");
        var agent = AgentOf(request, request.Version);
        var agentKey = XapiJson.ActorKey(agent);
        if (caller.Session is { } session && agentKey != XapiJson.ActorKey(session.Actor))
            throw new XapiException(403, "These credentials only reach the session learner's documents.");
        if (!request.Query.TryGetValue("profileId", out var profileId))
        {
            if (request.Method is not ("GET" or "HEAD")) throw XapiException.Bad("The profileId parameter is required.");
            var since = request.Query.TryGetValue("since", out var s) ? ParseInstant(s, "since") : (long?)null;
            var ids = await documents.ListAsync(DocumentStore.AgentProfile, "", agentKey, null, since, http.RequestAborted);
            await WriteJsonAsync(http, 200, new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i.Id)!).ToArray()));
            return;
        }
        if (request.Query.ContainsKey("since")) throw XapiException.Bad("since cannot be used with profileId.");
        if (caller.Session is not null && profileId == Cmi5LearnerPreferences.ProfileId)
        {
            if (request.Method is "PUT" or "POST") Cmi5LearnerPreferences.Check(request.ContentType, request.Body, complete: request.Method == "PUT");
            else if (request.Method is "GET" or "HEAD") await services.GetRequiredService<LrsSessionTokens>().MarkPreferencesReadAsync(caller.Key, http.RequestAborted);
        }
        await DocumentAsync(http, request, new DocumentKey(DocumentStore.AgentProfile, "", agentKey, "", profileId), concurrencyRequired: true);
    }

    private async Task DocumentAsync(HttpContext http, XapiRequest request, DocumentKey key, bool concurrencyRequired)
    {
        var ct = http.RequestAborted;
        var existing = await documents.FindAsync(key, ct);
        switch (request.Method)
        {
            case "GET" or "HEAD":
                if (existing is null) throw new XapiException(404, "No such document.");
                http.Response.StatusCode = 200;
                http.Response.ContentType = existing.ContentType;
                http.Response.Headers.ETag = $"\"{existing.ETag}\"";
                http.Response.Headers.LastModified = new DateTimeOffset(existing.UpdatedTicks, TimeSpan.Zero).ToString("R");
                http.Response.ContentLength = existing.Content.Length;
                if (request.Method == "GET") await http.Response.Body.WriteAsync(existing.Content, ct);
                return;
            case "DELETE":
                CheckPreconditions(request, existing, required: false);
                if (existing is not null) await documents.DeleteAsync(key, ct);
                http.Response.StatusCode = 204;
                return;
            case "PUT":
            {
                CheckPreconditions(request, existing, required: concurrencyRequired);
                var contentType = request.ContentType ?? "application/octet-stream";
                if (IsJson(contentType)) EnsureJsonObject(request.Body);
                var saved = await documents.SaveAsync(key, contentType, request.Body, ct);
                http.Response.Headers.ETag = $"\"{saved.ETag}\"";
                http.Response.StatusCode = 204;
                return;
            }
            case "POST":
            {
                CheckPreconditions(request, existing, required: false);
                var contentType = request.ContentType ?? "application/octet-stream";
                byte[] content = request.Body;
                if (existing is not null)
                {
                    if (!IsJson(contentType) || !IsJson(existing.ContentType))
                        throw XapiException.Bad("POST merges JSON documents only: both documents must be application/json.");
                    var current = ParseObject(existing.Content, "The stored document is not a JSON object.");
                    var incoming = EnsureJsonObject(request.Body);
                    foreach (var (name, value) in incoming) current[name] = value?.DeepClone();
                    content = Encoding.UTF8.GetBytes(current.ToJsonString());
                    contentType = "application/json";
                }
                else if (IsJson(contentType)) EnsureJsonObject(request.Body);
                var saved = await documents.SaveAsync(key, contentType, content, ct);
                http.Response.Headers.ETag = $"\"{saved.ETag}\"";
                http.Response.StatusCode = 204;
                return;
            }
            default: throw new XapiException(405, $"{request.Method} is not allowed on documents.");
        }
    }

    private static bool IsJson(string contentType) => contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static JsonObject EnsureJsonObject(byte[] body) => ParseObject(body, "The document must be a JSON object.");

    private static JsonObject ParseObject(byte[] body, string message)
    {
        try { return JsonNode.Parse(body) as JsonObject ?? throw XapiException.Bad(message); }
        catch (JsonException) { throw XapiException.Bad(message); }
    }

    private static void CheckPreconditions(XapiRequest request, Data.LrsDocument? existing, bool required)
    {
        var ifMatch = request.Header("If-Match");
        var ifNoneMatch = request.Header("If-None-Match");
        if (ifMatch is not null)
        {
            var tags = ifMatch.Split(',').Select(t => t.Trim().Trim('"')).ToList();
            if (existing is null || !(tags.Contains("*") || tags.Contains(existing.ETag)))
                throw new XapiException(412, "The document has changed (If-Match).");
        }
        if (ifNoneMatch is not null)
        {
            var tags = ifNoneMatch.Split(',').Select(t => t.Trim().Trim('"')).ToList();
            if (existing is not null && (tags.Contains("*") || tags.Contains(existing.ETag)))
                throw new XapiException(412, "The document exists already (If-None-Match).");
        }
        if (required && existing is not null && ifMatch is null && ifNoneMatch is null)
            throw new XapiException(409, "The document exists: send If-Match with its ETag to replace it.");
        // xAPI 1.0.3 asks every profile PUT to carry If-Match or If-None-Match, even for a new document.
        if (required && request.Version == XapiVersion.V103 && ifMatch is null && ifNoneMatch is null)
            throw XapiException.Bad("A profile PUT needs an If-Match or If-None-Match header.");
    }

    private static void Allow(XapiRequest request, params string[] names)
    {
        foreach (var key in request.Query.Keys) if (!names.Contains(key)) throw XapiException.Bad($"Unknown parameter '{key}'.");
    }

    private static string RequiredIri(XapiRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var value)) throw XapiException.Bad($"The {name} parameter is required.");
        if (!XapiValidator.IsIri(value)) throw XapiException.Bad($"{name} is not an IRI.");
        return value;
    }

    // ---------------------------------------------------------------- activities, agents

    private async Task ActivitiesAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        if (request.Method is not ("GET" or "HEAD")) throw new XapiException(405, "Only GET is allowed on activities.");
        Allow(request, "activityId");
        var activityId = RequiredIri(request, "activityId");
        var activity = new JsonObject { ["objectType"] = "Activity", ["id"] = activityId };
        var definition = new JsonObject();
        var jsons = await statements.StatementsMentioningActivityAsync(activityId, 50, http.RequestAborted);
        // Oldest first, so that later definitions win; language maps are merged.
        foreach (var json in Enumerable.Reverse(jsons))
        {
            var statement = JsonNode.Parse(json)!.AsObject();
            foreach (var found in FindActivities(statement).Where(a => XapiJson.Str(a["id"]) == activityId))
                if (found["definition"] is JsonObject d)
                    foreach (var (name, value) in d)
                    {
                        if (value is JsonObject map && definition[name] is JsonObject existingMap && name is "name" or "description")
                            foreach (var (lang, text) in map) existingMap[lang] = text?.DeepClone();
                        else definition[name] = value?.DeepClone();
                    }
        }
        if (definition.Count > 0) activity["definition"] = definition;
        await WriteJsonAsync(http, 200, activity);
    }

    private static IEnumerable<JsonObject> FindActivities(JsonObject statement)
    {
        static IEnumerable<JsonObject> FromContext(JsonNode? context)
        {
            if (context?["contextActivities"] is not JsonObject ca) yield break;
            foreach (var (_, value) in ca)
            {
                if (value is JsonArray array) foreach (var a in array.OfType<JsonObject>()) yield return a;
                else if (value is JsonObject o) yield return o;
            }
        }
        if (statement["object"] is JsonObject obj)
        {
            var type = XapiJson.Str(obj["objectType"]) ?? "Activity";
            if (type == "Activity") yield return obj;
            if (type == "SubStatement")
            {
                if (obj["object"] is JsonObject inner && (XapiJson.Str(inner["objectType"]) ?? "Activity") == "Activity") yield return inner;
                foreach (var a in FromContext(obj["context"])) yield return a;
            }
        }
        foreach (var a in FromContext(statement["context"])) yield return a;
    }

    private static async Task AgentsAsync(HttpContext http, XapiRequest request, LrsCaller caller)
    {
        if (request.Method is not ("GET" or "HEAD")) throw new XapiException(405, "Only GET is allowed on agents.");
        Allow(request, "agent");
        var agent = AgentOf(request, request.Version);
        var person = new JsonObject { ["objectType"] = "Person" };
        foreach (var property in new[] { "name", "mbox", "mbox_sha1sum", "openid", "account" })
            if (agent[property] is { } value) person[property] = new JsonArray(value.DeepClone());
        await WriteJsonAsync(http, 200, person);
    }

    // ---------------------------------------------------------------- responses

    private static async Task WriteJsonAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, XapiJson.Options);
        http.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static async Task ProblemAsync(HttpContext http, int status, string detail)
    {
        if (http.Response.HasStarted) return;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json; charset=utf-8";
        var body = new JsonObject
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = status switch
            {
                401 => "Authentification requise", 403 => "Accès refusé", 404 => "Ressource introuvable",
                409 => "Conflit", 412 => "Précondition non remplie", 413 => "Requête trop volumineuse", _ => "Requête invalide",
            },
            ["status"] = status,
            ["detail"] = detail,
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, XapiJson.Options);
        http.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(bytes);
    }
}
