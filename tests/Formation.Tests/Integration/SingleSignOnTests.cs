using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using Formation.Identity.Data;
using Formation.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Person = Formation.Tests.Support.LocalOidcProvider.Person;

namespace Formation.Tests.Integration;

/// <summary>
/// Providers and portals for <see cref="SingleSignOnTests"/>. The client secrets come from configuration
/// (Oidc:{portal}:ClientSecret) as in production, so this class has its own host, started after the providers.
/// </summary>
public sealed class SingleSignOnFixture : IAsyncLifetime
{
    public const string ProConnectScopes = "openid email given_name usual_name siret uid";

    public TestPortal Sso { get; } = new("sso");
    public TestPortal Closed { get; } = new("sso-ferme");
    public TestPortal WrongSecret { get; } = new("sso-secret");
    /// <summary>Reached by URL prefix on the platform's host (https://localhost/{id}/), with another provider.</summary>
    public TestPortal Prefixed { get; } = new("sso-prefixe");

    /// <summary>Behaves like ProConnect: strict authorize parameters, profile claims only in a signed userinfo JWT.</summary>
    public LocalOidcProvider ProConnect { get; private set; } = null!;
    /// <summary>A plain OIDC provider: profile claims in the id_token, JSON userinfo.</summary>
    public LocalOidcProvider Departement { get; private set; } = null!;
    public FormationFactory Factory { get; } = new();

    public static readonly Person Camille = new("fia1-agent-0001", "camille.durand@agents.test", GivenName: "Camille", UsualName: "Durand", Siret: "13002526500013");

    public static string ClientId(TestPortal portal) => "formation-" + portal.Id;
    public static string Secret(TestPortal portal) => "secret-" + portal.Id;
    public static Uri Address(TestPortal portal) => new($"https://{portal.Host}/");
    public Uri PrefixedAddress => new($"https://localhost/{Prefixed.Id}/");

    public async Task InitializeAsync()
    {
        LocalOidcProvider.Client Client(TestPortal portal, Uri address) =>
            new(ClientId(portal), Secret(portal), [new Uri(address, "signin-oidc").ToString()]);

        ProConnect = await LocalOidcProvider.StartAsync([Client(Sso, Address(Sso)), Client(Closed, Address(Closed)), Client(WrongSecret, Address(WrongSecret))], Camille, proConnect: true);
        Departement = await LocalOidcProvider.StartAsync([Client(Prefixed, PrefixedAddress)], Camille with { Name = "Camille Durand (Département)" });

        foreach (var portal in new[] { Sso, Closed, Prefixed }) Factory.Settings[$"Oidc:{portal.Id}:ClientSecret"] = Secret(portal);
        Factory.Settings[$"Oidc:{WrongSecret.Id}:ClientSecret"] = "pas-le-bon-secret";

        object Oidc(LocalOidcProvider provider, TestPortal portal, string label, string scopes) =>
            new { enabled = true, authority = provider.Authority, clientId = ClientId(portal), displayName = label, scopes };
        string[] withSso = ["Formation.Identity.Registration", "Formation.Identity.Oidc"];
        await Factory.EnsurePlatformAsync();
        await Factory.RunRecipeAsync(Sso.Recipe(withSso, oidc: Oidc(ProConnect, Sso, "ProConnect", ProConnectScopes)));
        await Factory.RunRecipeAsync(Closed.Recipe(["Formation.Identity.Registration"], oidc: Oidc(ProConnect, Closed, "ProConnect", ProConnectScopes)));
        await Factory.RunRecipeAsync(WrongSecret.Recipe(withSso, oidc: Oidc(ProConnect, WrongSecret, "ProConnect", ProConnectScopes)));
        await Factory.RunRecipeAsync(Prefixed.Recipe(withSso, oidc: Oidc(Departement, Prefixed, "Compte Département", "openid email profile")));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await ProConnect.DisposeAsync();
        await Departement.DisposeAsync();
    }
}

/// <summary>
/// Per-portal OpenID Connect single sign-on (authorization code + PKCE), driven end to end with HTTP clients against
/// a local provider: login button, challenge, provider, callback, account creation and reuse, feature gate, failures.
/// </summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed partial class SingleSignOnTests(SingleSignOnFixture sso) : IClassFixture<SingleSignOnFixture>
{
    private FormationFactory Factory => sso.Factory;

    [GeneratedRegex("<form[^>]*action=\"([^\"]*connexion-externe[^\"]*)\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex SsoForm();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>What the provider sends the browser back to the portal with: a form_post form, or a redirect with a query.</summary>
    private sealed record Callback(HttpMethod Method, Uri Url, List<KeyValuePair<string, string>> Fields)
    {
        public string? this[string name] => Fields.FirstOrDefault(f => f.Key == name).Value;

        public Callback With(string name, string value) =>
            this with { Fields = Fields.Select(f => f.Key == name ? KeyValuePair.Create(name, value) : f).ToList() };

        public HttpRequestMessage ToRequest() => Method == HttpMethod.Post
            ? new HttpRequestMessage(HttpMethod.Post, Url) { Content = new FormUrlEncodedContent(Fields) }
            : new HttpRequestMessage(HttpMethod.Get, new UriBuilder(Url) { Query = string.Join('&', Fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))) }.Uri);
    }

    /// <summary>Opens /compte anonymously, lands on the login page, presses the SSO button: the answer is the challenge.</summary>
    private static async Task<HttpResponseMessage> PressSsoButtonAsync(Browser browser, string label)
    {
        var login = await browser.FollowAsync(await browser.GetAsync("compte"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("/connexion", login.RequestMessage!.RequestUri!.AbsolutePath);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains($"Se connecter avec {label}", html);
        var form = SsoForm().Match(html);
        Assert.True(form.Success, "No single sign-on form on the login page");
        var token = Token().Match(form.Groups[2].Value);
        Assert.True(token.Success, "No antiforgery token in the single sign-on form");
        return await browser.PostFormAsync(new Uri(browser.BaseAddress, WebUtility.HtmlDecode(form.Groups[1].Value)),
            [KeyValuePair.Create("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
    }

    /// <summary>From the challenge to the provider, which signs the person in and answers with the way back to the portal.</summary>
    private static async Task<Callback> VisitProviderAsync(Browser browser, HttpResponseMessage challenge, LocalOidcProvider provider)
    {
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(provider.Authority + "/authorize?", authorize.ToString());
        var answer = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, authorize));
        if (await Browser.AutoPostFormAsync(answer) is { } form)
            return new Callback(HttpMethod.Post, new Uri(authorize, form.Action), form.Fields);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect,
            $"The provider answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}\n{string.Join("\n", provider.Refusals)}");
        var back = answer.Headers.Location!;
        var query = HttpUtility.ParseQueryString(back.Query);
        return new Callback(HttpMethod.Get, new UriBuilder(back) { Query = "" }.Uri,
            query.AllKeys.Select(k => KeyValuePair.Create(k!, query[k]!)).ToList());
    }

    private static async Task<HttpResponseMessage> SignInAsync(Browser browser, LocalOidcProvider provider, string label)
    {
        var callback = await VisitProviderAsync(browser, await PressSsoButtonAsync(browser, label), provider);
        Assert.True(browser.IsPortal(callback.Url), $"The provider sent the browser to {callback.Url}");
        Assert.NotNull(callback["code"]);
        return await browser.FollowAsync(await browser.SendAsync(callback.ToRequest()));
    }

    private static async Task AssertFailedCleanlyAsync(Browser browser, HttpResponseMessage final, string expected)
    {
        var html = await final.Content.ReadAsStringAsync();
        Assert.True(final.StatusCode == HttpStatusCode.OK, $"{(int)final.StatusCode} at {final.RequestMessage!.RequestUri}\n{html}");
        Assert.Contains(expected, html);
        Assert.Contains("Revenir à la connexion", html);
        Assert.DoesNotContain("Exception", html);
        // Nobody is signed in.
        var account = await browser.GetAsync("compte");
        Assert.Equal(HttpStatusCode.Redirect, account.StatusCode);
        Assert.Contains("/connexion", account.Headers.Location!.ToString());
    }

    private Task<List<(string Email, string DisplayName, List<string> Logins)>> AccountsOfAsync(TestPortal portal, string email) =>
        Factory.InTenantAsync(portal.Id, async sp =>
        {
            var db = sp.GetRequiredService<IdentityDataContext>();
            var users = await db.Users.Where(u => u.Email == email).ToListAsync();
            var result = new List<(string, string, List<string>)>();
            foreach (var user in users)
            {
                var logins = await sp.GetRequiredService<UserManager<FormationUser>>().GetLoginsAsync(user);
                result.Add((user.Email!, user.DisplayName, logins.Select(l => $"{l.LoginProvider}|{l.ProviderKey}").ToList()));
            }
            return result;
        });

    [Fact]
    public async Task A_person_signs_in_through_the_portals_provider_and_gets_a_learner_account()
    {
        using var browser = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso));
        var final = await SignInAsync(browser, sso.ProConnect, "ProConnect");

        var html = await final.Content.ReadAsStringAsync();
        Assert.True(final.StatusCode == HttpStatusCode.OK, $"{(int)final.StatusCode} at {final.RequestMessage!.RequestUri}\n{html}\n{string.Join("\n", browser.History)}");
        Assert.Equal("/compte", final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Camille Durand", html);
        Assert.Contains(SingleSignOnFixture.Camille.Email, html);
        Assert.Contains("Apprenant·e", html);
        Assert.Contains(browser.History, h => h.StartsWith($"POST https://{sso.Sso.Host}/signin-oidc", StringComparison.Ordinal));
        Assert.Contains(browser.History, h => h.StartsWith($"GET https://{sso.Sso.Host}/connexion-externe/retour", StringComparison.OrdinalIgnoreCase));

        // The short-lived external cookie is gone once the account cookie is issued.
        var cookies = browser.Cookies.GetCookies(browser.BaseAddress).Select(c => c.Name).ToList();
        Assert.Contains($"formation.auth.{sso.Sso.Id}", cookies);
        Assert.DoesNotContain(cookies, c => c.StartsWith("Identity.External", StringComparison.Ordinal));

        var accounts = await AccountsOfAsync(sso.Sso, SingleSignOnFixture.Camille.Email);
        var account = Assert.Single(accounts);
        Assert.Equal("Camille Durand", account.DisplayName);
        Assert.Equal([$"oidc:{sso.Sso.Id}|{SingleSignOnFixture.Camille.Subject}"], account.Logins);
    }

    [Fact]
    public async Task A_second_sign_in_reuses_the_same_account()
    {
        var person = SingleSignOnFixture.Camille with { Subject = "fia1-agent-0002", Email = "dominique.martin@agents.test", GivenName = "Dominique", UsualName = "Martin" };
        sso.ProConnect.User = person;
        try
        {
            using (var first = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso)))
                Assert.Contains("Dominique Martin", await (await SignInAsync(first, sso.ProConnect, "ProConnect")).Content.ReadAsStringAsync());

            // Same person, another day, another browser; the provider now spells the name differently.
            sso.ProConnect.User = person with { GivenName = "Dominique A." };
            using var second = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso));
            var final = await SignInAsync(second, sso.ProConnect, "ProConnect");
            Assert.Equal("/compte", final.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains("Dominique Martin", await final.Content.ReadAsStringAsync());

            var account = Assert.Single(await AccountsOfAsync(sso.Sso, person.Email));
            Assert.Single(account.Logins);
        }
        finally { sso.ProConnect.User = SingleSignOnFixture.Camille; }
    }

    [Fact]
    public async Task A_portal_without_the_feature_has_no_button_and_no_single_sign_on_routes()
    {
        // The portal has provider settings, but the feature is off.
        using var browser = new Browser(Factory, SingleSignOnFixture.Address(sso.Closed));
        var login = await browser.GetAsync("connexion");
        var html = await login.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.DoesNotContain("Se connecter avec", html);
        Assert.DoesNotContain("connexion-externe", html);

        var token = WebUtility.HtmlDecode(Token().Match(html).Groups[1].Value);
        var post = await browser.PostFormAsync(browser.Resolve("connexion-externe"), [KeyValuePair.Create("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("connexion-externe/retour")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("signin-oidc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostFormAsync(browser.Resolve("signin-oidc"), [KeyValuePair.Create("code", "x"), KeyValuePair.Create("state", "y")])).StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_replayed_answer_fails_with_a_french_message()
    {
        var issued = sso.ProConnect.TokensIssued;
        using var browser = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso));
        var callback = await VisitProviderAsync(browser, await PressSsoButtonAsync(browser, "ProConnect"), sso.ProConnect);
        var state = callback["state"]!;
        var tampered = callback.With("state", state[..^4] + (state.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));
        await AssertFailedCleanlyAsync(browser, await browser.FollowAsync(await browser.SendAsync(tampered.ToRequest())), "La connexion par ProConnect a échoué");

        // The genuine answer, replayed from another browser (no correlation cookie): refused too (login CSRF).
        using var other = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso));
        await AssertFailedCleanlyAsync(other, await other.FollowAsync(await other.SendAsync(callback.ToRequest())), "La connexion par ProConnect a échoué");
        Assert.Equal(issued, sso.ProConnect.TokensIssued);

        // A GET on the callback without any answer.
        await AssertFailedCleanlyAsync(other, await other.FollowAsync(await other.GetAsync("signin-oidc")), "La connexion par ProConnect a échoué");
    }

    [Fact]
    public async Task A_wrong_client_secret_fails_with_a_french_message()
    {
        using var browser = new Browser(Factory, SingleSignOnFixture.Address(sso.WrongSecret));
        var final = await browser.FollowAsync(await browser.SendAsync((await VisitProviderAsync(browser, await PressSsoButtonAsync(browser, "ProConnect"), sso.ProConnect)).ToRequest()));
        await AssertFailedCleanlyAsync(browser, final, "La connexion par ProConnect a échoué");
        Assert.Contains(sso.ProConnect.Refusals, r => r.StartsWith("token: invalid_client", StringComparison.Ordinal) && r.Contains(SingleSignOnFixture.ClientId(sso.WrongSecret)));
        Assert.Empty(await AccountsOfAsync(sso.WrongSecret, SingleSignOnFixture.Camille.Email));
    }

    [Fact]
    public async Task Cancelling_at_the_provider_brings_the_person_back_with_a_french_message()
    {
        using var browser = new Browser(Factory, SingleSignOnFixture.Address(sso.Sso));
        sso.ProConnect.RefuseNextAuthorization = "access_denied";
        var callback = await VisitProviderAsync(browser, await PressSsoButtonAsync(browser, "ProConnect"), sso.ProConnect);
        Assert.Equal("access_denied", callback["error"]);
        await AssertFailedCleanlyAsync(browser, await browser.FollowAsync(await browser.SendAsync(callback.ToRequest())), "Connexion annulée");
    }

    [Fact]
    public async Task Each_portal_uses_its_own_provider_even_on_a_shared_host()
    {
        // Reached by prefix on the platform's host, with another provider and client: the same person is a separate account here.
        using var browser = new Browser(Factory, sso.PrefixedAddress);
        var challenge = await PressSsoButtonAsync(browser, "Compte Département");
        var authorize = HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
        Assert.Equal(SingleSignOnFixture.ClientId(sso.Prefixed), authorize["client_id"]);
        Assert.Equal($"https://localhost/{sso.Prefixed.Id}/signin-oidc", authorize["redirect_uri"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);

        var callback = await VisitProviderAsync(browser, challenge, sso.Departement);
        var final = await browser.FollowAsync(await browser.SendAsync(callback.ToRequest()));
        var html = await final.Content.ReadAsStringAsync();
        Assert.True(final.StatusCode == HttpStatusCode.OK, $"{(int)final.StatusCode} at {final.RequestMessage!.RequestUri}\n{html}");
        Assert.Equal($"/{sso.Prefixed.Id}/compte", final.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Camille Durand (Département)", html);

        var account = Assert.Single(await AccountsOfAsync(sso.Prefixed, SingleSignOnFixture.Camille.Email));
        Assert.Equal([$"oidc:{sso.Prefixed.Id}|{SingleSignOnFixture.Camille.Subject}"], account.Logins);
        // The session belongs to the prefixed portal only.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/compte")))).StatusCode);
    }
}
