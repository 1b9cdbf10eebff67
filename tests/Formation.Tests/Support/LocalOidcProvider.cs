using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Formation.Tests.Support;

/// <summary>
/// A minimal but strict OpenID Connect provider (authorization code + PKCE S256) on real Kestrel, bound to
/// 127.0.0.1 on a free port, inside the test process. It signs in <see cref="User"/> without asking (auto-consent)
/// and refuses, as a real provider does, anything that is not exactly right: unknown client, unregistered
/// redirect_uri, missing state or nonce, missing or non-S256 code_challenge, wrong code_verifier, wrong client
/// secret, a code used twice or late. Every refusal is recorded in <see cref="Refusals"/>.
/// With <see cref="ProConnect"/> it behaves like ProConnect: any authorize parameter outside ProConnect's list is a
/// 400 error, the id_token carries no profile claims, and userinfo answers a signed JWT (application/jwt) with the
/// claims named by the scopes (given_name, usual_name, email, siret, uid...).
/// </summary>
public sealed class LocalOidcProvider : IAsyncDisposable
{
    public sealed record Client(string ClientId, string ClientSecret, IReadOnlyList<string> RedirectUris);

    public sealed record Person(string Subject, string Email, string? Name = null, string? GivenName = null, string? UsualName = null, string? Siret = null);

    /// <summary>The authorize parameters ProConnect accepts; any other one is refused (Y000400).</summary>
    public static readonly IReadOnlySet<string> ProConnectAuthorizeParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "client_id", "acr_values", "claims", "response_type", "response_mode", "nonce", "login_hint", "state",
        "redirect_uri", "scope", "prompt", "idp_hint", "code_challenge", "code_challenge_method",
    };

    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(60);

    private sealed record Grant(string ClientId, string RedirectUri, string CodeChallenge, string Nonce, IReadOnlyList<string> Scopes, Person User, DateTimeOffset ExpiresUtc);

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly SigningCredentials _signing;
    private readonly Dictionary<string, Client> _clients;
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _accessTokens = new(StringComparer.Ordinal);
    private volatile Person _user;

    private LocalOidcProvider(WebApplication app, IEnumerable<Client> clients, Person user, bool proConnect)
    {
        _app = app;
        _clients = clients.ToDictionary(c => c.ClientId, StringComparer.Ordinal);
        _user = user;
        ProConnect = proConnect;
        var key = new RsaSecurityKey(_rsa) { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
        _signing = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>http://127.0.0.1:PORT, also the issuer.</summary>
    public string Authority { get; private set; } = "";
    public bool ProConnect { get; }

    /// <summary>The person the next authorization signs in.</summary>
    public Person User { get => _user; set => _user = value; }

    /// <summary>When set, the next authorization is refused with this OAuth error (e.g. access_denied: the person cancelled).</summary>
    public string? RefuseNextAuthorization { get; set; }

    /// <summary>"endpoint: error: description" for each refused request, in order.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>Authorization codes exchanged for tokens.</summary>
    public int TokensIssued => _tokensIssued;
    private int _tokensIssued;

    /// <summary>Clients may be added (or replaced) while the provider runs, e.g. once a portal's address is known.</summary>
    public void Register(Client client)
    {
        lock (_clients) _clients[client.ClientId] = client;
    }

    public static async Task<LocalOidcProvider> StartAsync(IEnumerable<Client> clients, Person user, bool proConnect = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LocalOidcProvider).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "LocalOidcProvider",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new LocalOidcProvider(app, clients, user, proConnect);
        // Typed as Delegate: a Func<HttpContext, Task<IResult>> would otherwise bind as a RequestDelegate and drop its result.
        app.MapGet("/.well-known/openid-configuration", (Delegate)provider.Discovery);
        app.MapGet("/jwks", (Delegate)provider.Jwks);
        app.MapGet("/authorize", (Delegate)provider.Authorize);
        app.MapPost("/token", (Delegate)provider.TokenAsync);
        app.MapMethods("/userinfo", ["GET", "POST"], (Delegate)provider.UserInfo);
        await app.StartAsync();
        provider.Authority = app.Urls.Single().TrimEnd('/');
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Authority,
        ["authorization_endpoint"] = Authority + "/authorize",
        ["token_endpoint"] = Authority + "/token",
        ["userinfo_endpoint"] = Authority + "/userinfo",
        ["jwks_uri"] = Authority + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { "query", "form_post" },
        ["grant_types_supported"] = new[] { "authorization_code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["userinfo_signing_alg_values_supported"] = new[] { "RS256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["scopes_supported"] = ProConnect
            ? new[] { "openid", "email", "given_name", "usual_name", "siret", "uid" }
            : new[] { "openid", "email", "profile" },
        ["claims_supported"] = ProConnect
            ? new[] { "sub", "email", "given_name", "usual_name", "siret", "uid", "idp_id", "acr" }
            : new[] { "sub", "email", "email_verified", "name", "given_name", "family_name" },
    });

    private IResult Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA", use = "sig", alg = "RS256", kid = _signing.Key.KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }

    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        string? Param(string name) => query.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;

        if (ProConnect && query.Keys.FirstOrDefault(k => !ProConnectAuthorizeParameters.Contains(k)) is { } extra)
            return ErrorPage("authorize", "Y000400", $"unexpected parameter '{extra}'");
        if (query.Any(p => p.Value.Count > 1)) return ErrorPage("authorize", "invalid_request", "repeated parameter");

        // Without a known client and its exact redirect_uri, never redirect anywhere.
        var clientId = Param("client_id");
        if (clientId is null || !TryGetClient(clientId, out var client)) return ErrorPage("authorize", "invalid_client", $"unknown client '{clientId}'");
        var redirectUri = Param("redirect_uri");
        if (redirectUri is null || !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
            return ErrorPage("authorize", "invalid_request", $"redirect_uri '{redirectUri}' is not registered for '{clientId}'");

        var state = Param("state");
        var responseMode = Param("response_mode") ?? "query";
        if (responseMode is not ("query" or "form_post")) return ErrorPage("authorize", "invalid_request", $"unsupported response_mode '{responseMode}'");

        IResult Refuse(string error, string description)
        {
            Refusals.Enqueue($"authorize: {error}: {description}");
            var fields = new Dictionary<string, string> { ["error"] = error, ["error_description"] = description };
            if (state is not null) fields["state"] = state;
            return Respond(redirectUri, responseMode, fields);
        }

        if (Param("response_type") != "code") return Refuse("unsupported_response_type", "only response_type=code is supported");
        var scopes = (Param("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains("openid")) return Refuse("invalid_scope", "the openid scope is required");
        if (string.IsNullOrEmpty(state) || (ProConnect && state.Length < 32)) return Refuse("invalid_request", "state is required (32 characters at least)");
        var nonce = Param("nonce");
        if (string.IsNullOrEmpty(nonce) || (ProConnect && nonce.Length < 32)) return Refuse("invalid_request", "nonce is required (32 characters at least)");
        var challenge = Param("code_challenge");
        if (Param("code_challenge_method") != "S256") return Refuse("invalid_request", "code_challenge_method must be S256");
        if (challenge is null || challenge.Length != 43 || !challenge.All(IsBase64Url)) return Refuse("invalid_request", "code_challenge must be a base64url SHA-256");
        if (RefuseNextAuthorization is { } refusal)
        {
            RefuseNextAuthorization = null;
            return Refuse(refusal, "refused by the test");
        }

        var code = NewToken();
        _codes[code] = new Grant(clientId, redirectUri, challenge, nonce, scopes, User, DateTimeOffset.UtcNow + CodeLifetime);
        return Respond(redirectUri, responseMode, new Dictionary<string, string> { ["code"] = code, ["state"] = state });
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return TokenError(400, "invalid_request", "application/x-www-form-urlencoded expected");
        var form = await context.Request.ReadFormAsync();
        string? Field(string name) => form.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;

        // Client authentication: client_secret_basic or client_secret_post, not both.
        string? clientId, secret;
        var basic = context.Request.Headers.Authorization.ToString();
        if (basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (form.ContainsKey("client_secret")) return TokenError(400, "invalid_request", "two client authentication methods");
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic["Basic ".Length..].Trim())); }
            catch (FormatException) { return TokenError(401, "invalid_client", "malformed Basic credentials"); }
            var colon = decoded.IndexOf(':');
            if (colon < 0) return TokenError(401, "invalid_client", "malformed Basic credentials");
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        }
        else
        {
            clientId = Field("client_id");
            secret = Field("client_secret");
        }
        if (clientId is null || secret is null || !TryGetClient(clientId, out var client) || !SecretEquals(client.ClientSecret, secret))
            return TokenError(401, "invalid_client", $"client authentication failed for '{clientId}'");

        if (Field("grant_type") != "authorization_code") return TokenError(400, "unsupported_grant_type", "only authorization_code is supported");
        // A code is good once, whatever happens next.
        if (Field("code") is not { } code || !_codes.TryRemove(code, out var grant)) return TokenError(400, "invalid_grant", "unknown or already used code");
        if (grant.ExpiresUtc < DateTimeOffset.UtcNow) return TokenError(400, "invalid_grant", "expired code");
        if (grant.ClientId != clientId) return TokenError(400, "invalid_grant", "code issued to another client");
        if (Field("redirect_uri") != grant.RedirectUri) return TokenError(400, "invalid_grant", "redirect_uri differs from the authorization request");
        var verifier = Field("code_verifier");
        if (verifier is null || verifier.Length is < 43 or > 128 || !verifier.All(IsPkceUnreserved))
            return TokenError(400, "invalid_grant", "code_verifier missing or malformed");
        if (!SecretEquals(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), grant.CodeChallenge))
            return TokenError(400, "invalid_grant", "code_verifier does not match code_challenge (PKCE)");

        var accessToken = NewToken();
        _accessTokens[accessToken] = grant with { ExpiresUtc = DateTimeOffset.UtcNow + AccessTokenLifetime };
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Authority,
            ["sub"] = grant.User.Subject,
            ["aud"] = clientId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
            ["auth_time"] = now.ToUnixTimeSeconds(),
            ["nonce"] = grant.Nonce,
            ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
        };
        if (ProConnect)
        {
            claims["acr"] = "eidas1";
            claims["idp_id"] = "fia1v2";
        }
        else
        {
            foreach (var (name, value) in ProfileClaims(grant)) claims[name] = value;
        }
        Interlocked.Increment(ref _tokensIssued);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["scope"] = string.Join(' ', grant.Scopes),
            ["id_token"] = Sign(claims),
        });
    }

    private IResult UserInfo(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;
        if (token is null || !_accessTokens.TryGetValue(token, out var grant) || grant.ExpiresUtc < DateTimeOffset.UtcNow)
        {
            Refusals.Enqueue("userinfo: invalid_token: missing, unknown or expired access token");
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.StatusCode(401);
        }
        var claims = new Dictionary<string, object> { ["sub"] = grant.User.Subject };
        foreach (var (name, value) in ProfileClaims(grant)) claims[name] = value;
        if (!ProConnect) return Results.Json(claims);
        claims["iss"] = Authority;
        claims["aud"] = grant.ClientId;
        claims["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        claims["exp"] = (DateTimeOffset.UtcNow + AccessTokenLifetime).ToUnixTimeSeconds();
        return Results.Text(Sign(claims), "application/jwt", Encoding.ASCII);
    }

    /// <summary>The person's claims that the granted scopes allow: OIDC standard scopes, or ProConnect's one-claim scopes.</summary>
    private IEnumerable<(string Name, object Value)> ProfileClaims(Grant grant)
    {
        var user = grant.User;
        var scopes = grant.Scopes;
        if (scopes.Contains("email"))
        {
            yield return ("email", user.Email);
            if (!ProConnect) yield return ("email_verified", true);
        }
        if (ProConnect)
        {
            if (scopes.Contains("given_name") && user.GivenName is not null) yield return ("given_name", user.GivenName);
            if (scopes.Contains("usual_name") && user.UsualName is not null) yield return ("usual_name", user.UsualName);
            if (scopes.Contains("siret") && user.Siret is not null) yield return ("siret", user.Siret);
            if (scopes.Contains("uid")) yield return ("uid", user.Subject);
        }
        else if (scopes.Contains("profile"))
        {
            if (user.Name is not null) yield return ("name", user.Name);
            if (user.GivenName is not null) yield return ("given_name", user.GivenName);
            if (user.UsualName is not null) yield return ("family_name", user.UsualName);
        }
    }

    private string Sign(Dictionary<string, object> claims) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = _signing,
            TokenType = "JWT",
        });

    private IResult Respond(string redirectUri, string responseMode, Dictionary<string, string> fields)
    {
        if (responseMode == "form_post")
        {
            var inputs = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(f.Key)}\" value=\"{WebUtility.HtmlEncode(f.Value)}\">"));
            return Results.Content($"""
                <!doctype html><html><head><title>Redirection</title></head>
                <body onload="document.forms[0].submit()"><form method="post" action="{WebUtility.HtmlEncode(redirectUri)}">{inputs}<noscript><button type="submit">Continuer</button></noscript></form></body></html>
                """, "text/html; charset=utf-8");
        }
        var query = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        return Results.Redirect(redirectUri + (redirectUri.Contains('?') ? "&" : "?") + query);
    }

    private IResult ErrorPage(string endpoint, string error, string description)
    {
        Refusals.Enqueue($"{endpoint}: {error}: {description}");
        return Results.Content($"<!doctype html><html><body><h1>{WebUtility.HtmlEncode(error)}</h1><p>{WebUtility.HtmlEncode(description)}</p></body></html>",
            "text/html; charset=utf-8", statusCode: 400);
    }

    private IResult TokenError(int status, string error, string description)
    {
        Refusals.Enqueue($"token: {error}: {description}");
        return Results.Json(new { error, error_description = description }, statusCode: status);
    }

    private bool TryGetClient(string clientId, out Client client)
    {
        lock (_clients) return _clients.TryGetValue(clientId, out client!);
    }

    private static bool SecretEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static string NewToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static bool IsPkceUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
