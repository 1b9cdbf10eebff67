using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Formation.Lrs.Data;
using Formation.Lrs.Xapi;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Lrs;

public static class LrsScopes
{
    public const string StatementsWrite = "statements/write";
    public const string StatementsRead = "statements/read";
    public const string StatementsReadMine = "statements/read/mine";
    public const string State = "state";
    public const string Define = "define";
    public const string Profile = "profile";
    public const string AllRead = "all/read";
    public const string All = "all";

    public static readonly IReadOnlyList<(string Scope, string Label)> Known =
    [
        (StatementsWrite, "Écrire des déclarations"),
        (StatementsRead, "Lire toutes les déclarations"),
        (StatementsReadMine, "Lire ses propres déclarations"),
        (State, "Lire et écrire les états"),
        (Define, "Définir des activités"),
        (Profile, "Lire et écrire les profils d'activité et d'agent"),
        (AllRead, "Tout lire"),
        (All, "Tout faire"),
    ];

    public static bool IsKnown(string scope) => Known.Any(k => k.Scope == scope);
}

/// <summary>Who calls /xapi: a portal's LRS client or a cmi5 session credential.</summary>
public sealed record LrsCaller(string Key, IReadOnlySet<string> Scopes, JsonObject Authority, LrsSessionGrant? Session)
{
    public bool Can(string scope, bool write)
    {
        if (Scopes.Contains(LrsScopes.All)) return true;
        if (!write && Scopes.Contains(LrsScopes.AllRead)) return true;
        return scope switch
        {
            LrsScopes.StatementsWrite => Scopes.Contains(LrsScopes.StatementsWrite),
            LrsScopes.StatementsRead => Scopes.Contains(LrsScopes.StatementsRead) || Scopes.Contains(LrsScopes.StatementsReadMine),
            _ => Scopes.Contains(scope),
        };
    }

    /// <summary>Reads limited to the statements this caller stored (statements/read/mine without a wider scope).</summary>
    public bool ReadsOnlyOwn => !Scopes.Contains(LrsScopes.All) && !Scopes.Contains(LrsScopes.AllRead) && !Scopes.Contains(LrsScopes.StatementsRead);
}

/// <summary>Credentials cache (singleton): hashing every request would cost more than the insert itself.</summary>
public sealed class LrsCredentialCache
{
    private readonly ConcurrentDictionary<(string Tenant, string Header), (LrsCaller Caller, long ExpiresTicks)> _entries = new();
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public bool TryGet(string tenant, string header, long nowTicks, out LrsCaller caller)
    {
        if (_entries.TryGetValue((tenant, header), out var entry) && entry.ExpiresTicks > nowTicks) { caller = entry.Caller; return true; }
        caller = null!;
        return false;
    }

    public void Set(string tenant, string header, LrsCaller caller, long expiresTicks)
    {
        if (_entries.Count > 10_000) _entries.Clear();
        _entries[(tenant, header)] = (caller, expiresTicks);
    }

    public void Clear() => _entries.Clear();
}

/// <summary>LRS clients of the current portal: creation (secret shown once), scopes, revocation, Basic authentication.</summary>
public sealed class LrsCredentials(IServiceProvider services, TenantContext tenant, TimeProvider time, LrsCredentialCache cache)
{
    // Resolved when the cache cannot answer: most /xapi requests authenticate from the cache alone.
    private LrsDbContext? _db;
    private LrsDbContext db => _db ??= services.GetRequiredService<LrsDbContext>();

    public static string Hash(string secret, string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + ":" + secret)));

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>The agent the LRS writes as statements' authority for a client of this portal.</summary>
    public JsonObject AuthorityFor(string key, string name) => new()
    {
        ["objectType"] = "Agent",
        ["name"] = name,
        ["account"] = new JsonObject { ["homePage"] = HomePage(), ["name"] = key },
    };

    private string HomePage()
    {
        var info = tenant.Required;
        var host = info.Hosts.FirstOrDefault() ?? "localhost";
        return $"https://{host}/{(info.UrlPrefix is null ? "" : info.UrlPrefix + "/")}xapi";
    }

    /// <summary>The platform's own authority (the cmi5 LMS) for statements it issues.</summary>
    public JsonObject LmsAuthority() => AuthorityFor("formation-lms", "Formation LMS");

    public Task<List<LrsClient>> ListAsync(CancellationToken ct) => db.Clients.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);

    /// <summary>Creates a client; returns the secret (only shown now). A given secret is used as is (recipes).</summary>
    public async Task<(LrsClient Client, string Secret)> CreateAsync(string name, string key, IReadOnlyCollection<string> scopes, string? secret, CancellationToken ct)
    {
        name = name.Trim();
        key = key.Trim();
        var errors = new Dictionary<string, List<string>>();
        void Error(string field, string message) { if (!errors.TryGetValue(field, out var list)) errors[field] = list = []; list.Add(message); }
        if (name.Length is 0 or > 200) Error("Name", "Le nom est obligatoire (200 caractères au plus).");
        if (key.Length is < 3 or > 100 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            Error("Key", "La clé doit compter de 3 à 100 caractères : lettres, chiffres, tiret, point ou tiret bas.");
        if (key.StartsWith("session-", StringComparison.Ordinal)) Error("Key", "Les clés commençant par « session- » sont réservées.");
        if (scopes.Count == 0) Error("Scopes", "Choisissez au moins une permission.");
        foreach (var scope in scopes) if (!LrsScopes.IsKnown(scope)) Error("Scopes", $"Permission inconnue : « {scope} ».");
        if (secret is not null && secret.Length < 12) Error("Secret", "Le secret doit compter au moins 12 caractères.");
        if (errors.Count == 0 && await db.Clients.AnyAsync(c => c.Key == key, ct)) Error("Key", $"La clé « {key} » est déjà utilisée sur ce portail.");
        if (errors.Count > 0) throw new Formation.Shell.Validation.ValidationFailedException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

        secret ??= NewSecret();
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var client = new LrsClient
        {
            Name = name, Key = key, Salt = salt, SecretHash = Hash(secret, salt),
            Scopes = string.Join(' ', scopes.Distinct()), CreatedTicks = time.GetUtcNow().UtcTicks,
        };
        db.Clients.Add(client);
        await db.SaveChangesAsync(ct);
        return (client, secret);
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (client is null) return false;
        db.Clients.Remove(client);
        await db.SaveChangesAsync(ct);
        cache.Clear();
        return true;
    }

    /// <summary>Resolves an Authorization header (Basic) to a caller of this portal, or null.</summary>
    public async Task<LrsCaller?> AuthenticateAsync(string? header, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        var tenantId = tenant.Required.Id;
        var now = time.GetUtcNow().UtcTicks;
        if (cache.TryGet(tenantId, header, now, out var cached))
            return cached.Session is null || cached.Session.ExpiresAt.UtcTicks > now ? cached : null;

        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        if (colon <= 0) return null;
        var key = decoded[..colon];
        var secret = decoded[(colon + 1)..];

        LrsCaller? caller = null;
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Key == key && c.Enabled, ct);
        if (client is not null)
        {
            if (!FixedTimeEquals(Hash(secret, client.Salt), client.SecretHash)) return null;
            caller = new LrsCaller(key, client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), AuthorityFor(client.Key, client.Name), null);
        }
        else
        {
            var session = await db.SessionCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.Key == key, ct);
            if (session is null || session.Revoked || session.ExpiresTicks <= now) return null;
            if (!FixedTimeEquals(Hash(secret, session.Key), session.SecretHash)) return null;
            var grant = new LrsSessionGrant((JsonObject)JsonNode.Parse(session.ActorJson)!, session.Registration, session.AuActivityId, session.SessionId,
                new DateTimeOffset(session.ExpiresTicks, TimeSpan.Zero));
            caller = new LrsCaller(key, new HashSet<string> { LrsScopes.StatementsWrite, LrsScopes.StatementsReadMine, LrsScopes.State, LrsScopes.Profile },
                LmsAuthority(), grant);
        }
        var expires = now + LrsCredentialCache.Lifetime.Ticks;
        if (caller.Session is not null) expires = Math.Min(expires, caller.Session.ExpiresAt.UtcTicks);
        cache.Set(tenantId, header, caller, expires);
        return caller;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}

/// <summary>Temporary credentials of cmi5 AU sessions.</summary>
public sealed class LrsSessionTokens(LrsDbContext db, LrsCredentialCache cache, TimeProvider time) : ILrsSessionTokens
{
    /// <summary>Notes that the session's AU read its learner's preferences (not kept in the credentials cache: read when needed).</summary>
    public Task MarkPreferencesReadAsync(string key, CancellationToken ct = default) =>
        db.SessionCredentials.Where(c => c.Key == key && !c.PreferencesRead).ExecuteUpdateAsync(u => u.SetProperty(c => c.PreferencesRead, true), ct);

    public Task<bool> HasReadPreferencesAsync(string key, CancellationToken ct = default) =>
        db.SessionCredentials.AnyAsync(c => c.Key == key && c.PreferencesRead, ct);

    public async Task<string> IssueAsync(LrsSessionGrant grant, CancellationToken ct = default)
    {
        XapiValidator.Actor(grant.Actor, "actor", XapiVersion.V200);
        if (grant.ExpiresAt <= time.GetUtcNow()) throw new LrsValidationException("The session expiry is in the past.");
        var key = "session-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = LrsCredentials.NewSecret();
        db.SessionCredentials.Add(new LrsSessionCredential
        {
            Key = key, SecretHash = LrsCredentials.Hash(secret, key),
            ActorJson = grant.Actor.ToJsonString(), ActorKey = XapiJson.ActorKey(grant.Actor),
            Registration = grant.Registration, AuActivityId = grant.AuActivityId, SessionId = grant.SessionId,
            ExpiresTicks = grant.ExpiresAt.UtcTicks,
        });
        await db.SaveChangesAsync(ct);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":" + secret));
    }

    public async Task RevokeAsync(string token, CancellationToken ct = default)
    {
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token)); }
        catch (FormatException) { return; }
        var key = decoded.Split(':')[0];
        var session = await db.SessionCredentials.FirstOrDefaultAsync(c => c.Key == key, ct);
        if (session is null) return;
        session.Revoked = true;
        await db.SaveChangesAsync(ct);
        cache.Clear();
    }
}
