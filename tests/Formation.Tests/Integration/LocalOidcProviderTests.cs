using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Formation.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Formation.Tests.Integration;

/// <summary>
/// The test provider itself: the single sign-on tests prove something only if it refuses what a real provider
/// refuses (wrong PKCE verifier, wrong secret, reused code, unregistered redirect_uri...).
/// </summary>
[Trait("Category", "Integration")]
public sealed class LocalOidcProviderTests : IAsyncLifetime
{
    private const string ClientId = "client-test";
    private const string Secret = "secret-test";
    private const string RedirectUri = "https://portail.test/signin-oidc";
    private static readonly LocalOidcProvider.Person Person = new("sujet-42", "alex@agents.test", "Alex Dupont", "Alex", "Dupont", "13002526500013");

    private LocalOidcProvider _provider = null!;
    private LocalOidcProvider _proConnect = null!;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync()
    {
        var client = new LocalOidcProvider.Client(ClientId, Secret, [RedirectUri]);
        _provider = await LocalOidcProvider.StartAsync([client], Person);
        _proConnect = await LocalOidcProvider.StartAsync([client], Person, proConnect: true);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _provider.DisposeAsync();
        await _proConnect.DisposeAsync();
    }

    private static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static Dictionary<string, string> AuthorizeQuery(string verifier, string scope = "openid email profile") => new()
    {
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri,
        ["response_type"] = "code",
        ["scope"] = scope,
        ["state"] = "etat-" + new string('e', 40),
        ["nonce"] = "nonce-" + new string('n', 40),
        ["code_challenge"] = Challenge(verifier),
        ["code_challenge_method"] = "S256",
    };

    private Task<HttpResponseMessage> AuthorizeAsync(LocalOidcProvider provider, Dictionary<string, string> query) =>
        _http.GetAsync(provider.Authority + "/authorize?" + string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));

    private async Task<string> CodeAsync(LocalOidcProvider provider, string verifier, string scope = "openid email profile")
    {
        var response = await AuthorizeAsync(provider, AuthorizeQuery(verifier, scope));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", back.ToString());
        var query = HttpUtility.ParseQueryString(back.Query);
        Assert.Equal("etat-" + new string('e', 40), query["state"]);
        return query["code"]!;
    }

    private Task<HttpResponseMessage> RedeemAsync(LocalOidcProvider provider, string code, string? verifier, string? secret = Secret, bool basic = false)
    {
        var fields = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri };
        if (verifier is not null) fields["code_verifier"] = verifier;
        var request = new HttpRequestMessage(HttpMethod.Post, provider.Authority + "/token");
        if (basic) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{secret}")));
        else
        {
            fields["client_id"] = ClientId;
            if (secret is not null) fields["client_secret"] = secret;
        }
        request.Content = new FormUrlEncodedContent(fields);
        return _http.SendAsync(request);
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    private static string NewVerifier() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task A_valid_exchange_returns_an_id_token_signed_with_the_published_key()
    {
        var verifier = NewVerifier();
        var tokens = await RedeemAsync(_provider, await CodeAsync(_provider, verifier), verifier, basic: true);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        var body = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()).RootElement;

        var jwks = new JsonWebKeySet(await _http.GetStringAsync(_provider.Authority + "/jwks"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = _provider.Authority,
            ValidAudience = ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("RS256", ((JsonWebToken)validation.SecurityToken).Alg);
        Assert.Equal(Person.Subject, validation.Claims["sub"]);
        Assert.Equal("nonce-" + new string('n', 40), validation.Claims["nonce"]);
        Assert.Equal(Person.Email, validation.Claims["email"]);
        Assert.Equal(Person.Name, validation.Claims["name"]);

        var userInfo = new HttpRequestMessage(HttpMethod.Get, _provider.Authority + "/userinfo");
        userInfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        var claims = JsonDocument.Parse(await (await _http.SendAsync(userInfo)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Person.Subject, claims.GetProperty("sub").GetString());
        Assert.Equal(Person.Email, claims.GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(_provider.Authority + "/userinfo")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_or_missing_pkce_verifier_is_refused_and_burns_the_code()
    {
        var verifier = NewVerifier();
        var code = await CodeAsync(_provider, verifier);
        var wrong = await RedeemAsync(_provider, code, NewVerifier());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("invalid_grant", await ErrorOfAsync(wrong));
        Assert.Equal("invalid_grant", await ErrorOfAsync(await RedeemAsync(_provider, code, verifier)));

        var another = await CodeAsync(_provider, verifier);
        Assert.Equal("invalid_grant", await ErrorOfAsync(await RedeemAsync(_provider, another, verifier: null)));
    }

    [Fact]
    public async Task A_wrong_or_missing_client_secret_is_refused()
    {
        var verifier = NewVerifier();
        var code = await CodeAsync(_provider, verifier);
        foreach (var attempt in new[] { await RedeemAsync(_provider, code, verifier, secret: "mauvais"), await RedeemAsync(_provider, code, verifier, secret: "mauvais", basic: true), await RedeemAsync(_provider, code, verifier, secret: null) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
            Assert.Equal("invalid_client", await ErrorOfAsync(attempt));
        }
        // Failed client authentication does not consume the code; the right client still can, once.
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(_provider, code, verifier)).StatusCode);
        Assert.Equal("invalid_grant", await ErrorOfAsync(await RedeemAsync(_provider, code, verifier)));
    }

    [Fact]
    public async Task An_unknown_client_or_unregistered_redirect_uri_gets_an_error_page_not_a_redirect()
    {
        var query = AuthorizeQuery(NewVerifier());
        query["redirect_uri"] = "https://ailleurs.test/signin-oidc";
        var response = await AuthorizeAsync(_provider, query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);

        query = AuthorizeQuery(NewVerifier());
        query["client_id"] = "inconnu";
        Assert.Equal(HttpStatusCode.BadRequest, (await AuthorizeAsync(_provider, query)).StatusCode);
    }

    [Theory]
    [InlineData("code_challenge", null, "invalid_request")]
    [InlineData("code_challenge_method", "plain", "invalid_request")]
    [InlineData("code_challenge_method", null, "invalid_request")]
    [InlineData("state", null, "invalid_request")]
    [InlineData("nonce", null, "invalid_request")]
    [InlineData("response_type", "token", "unsupported_response_type")]
    [InlineData("scope", "email profile", "invalid_scope")]
    public async Task An_authorization_request_without_pkce_s256_state_nonce_or_openid_is_refused(string parameter, string? value, string error)
    {
        var query = AuthorizeQuery(NewVerifier());
        if (value is null) query.Remove(parameter);
        else query[parameter] = value;
        var response = await AuthorizeAsync(_provider, query);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal(error, back["error"]);
        Assert.Null(back["code"]);
    }

    [Fact]
    public async Task In_proconnect_mode_unknown_parameters_are_refused_and_userinfo_is_a_signed_jwt()
    {
        var verifier = NewVerifier();
        var query = AuthorizeQuery(verifier);
        query["x-client-SKU"] = "ID_NET10_0";
        var refused = await AuthorizeAsync(_proConnect, query);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("x-client-SKU", await refused.Content.ReadAsStringAsync());

        var tokens = await RedeemAsync(_proConnect, await CodeAsync(_proConnect, verifier, "openid email given_name usual_name siret"), verifier);
        var accessToken = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        var request = new HttpRequestMessage(HttpMethod.Get, _proConnect.Authority + "/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var userInfo = await _http.SendAsync(request);
        Assert.Equal("application/jwt", userInfo.Content.Headers.ContentType?.MediaType);
        var jwks = new JsonWebKeySet(await _http.GetStringAsync(_proConnect.Authority + "/jwks"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(await userInfo.Content.ReadAsStringAsync(), new TokenValidationParameters
        {
            ValidIssuer = _proConnect.Authority,
            ValidAudience = ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("Dupont", validation.Claims["usual_name"]);
        Assert.Equal("13002526500013", validation.Claims["siret"]);
    }
}
