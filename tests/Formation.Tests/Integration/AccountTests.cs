using System.Net;
using System.Text.RegularExpressions;
using Formation.Tests.Support;
using MimeKit;

namespace Formation.Tests.Integration;

/// <summary>Accounts: registration with e-mail confirmation, lockout, password reset, invitations — mails read from the pickup folder.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed partial class AccountTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("comptes");

    public Task InitializeAsync() => factory.RunRecipeAsync(_portal.Recipe());
    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex("href=\"(http[^\"]+)\"")]
    private static partial Regex LinkPattern();

    private async Task<string> LinkFromMailAsync(string to)
    {
        var folder = Path.Combine(factory.DataPath, "mail");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").OrderByDescending(f => f).ToArray() : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(m => m.Address == to))
                    return System.Net.WebUtility.HtmlDecode(LinkPattern().Match(message.HtmlBody).Groups[1].Value);
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No mail to {to}");
    }

    [Fact]
    public async Task Registration_needs_a_confirmed_email_before_sign_in()
    {
        var email = $"nouvelle@{_portal.Id}.test";
        var client = factory.ClientFor(_portal.Host);
        var registered = await client.SubmitAsync("/inscription", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Nouvelle Éducatrice", ["Input.Email"] = email, ["Input.Profession"] = "educateur-specialise",
            ["Input.Password"] = "educatrice-2026", ["Input.ConfirmPassword"] = "educatrice-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);

        var early = await client.LogInAsync(email, "educatrice-2026");
        Assert.Contains("pas encore confirmée", await early.Content.ReadAsStringAsync());

        var link = new Uri(await LinkFromMailAsync(email));
        Assert.Equal(_portal.Host, link.Host);
        var confirmed = await client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);

        var signedIn = await client.LogInAsync(email, "educatrice-2026");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var account = await client.GetStringAsync("/compte");
        Assert.Contains("Nouvelle Éducatrice", account);
        Assert.Contains("Apprenant·e", account);
    }

    [Fact]
    public async Task Registration_refuses_bad_input_in_french_and_keeps_what_exists()
    {
        var client = factory.ClientFor(_portal.Host);
        var weak = await client.SubmitAsync("/inscription", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "X", ["Input.Email"] = "faible@x.test", ["Input.Password"] = "court", ["Input.ConfirmPassword"] = "court",
        });
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("au moins 10 caractères", await weak.Content.ReadAsStringAsync());

        var duplicate = await client.SubmitAsync("/inscription", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Doublon", ["Input.Email"] = _portal.Email("learner"), ["Input.Password"] = "doublon-2026-x", ["Input.ConfirmPassword"] = "doublon-2026-x",
        });
        Assert.Contains("existe déjà", await duplicate.Content.ReadAsStringAsync());
        // The existing account still signs in with its own password.
        Assert.Equal(HttpStatusCode.Redirect, (await factory.ClientFor(_portal.Host).LogInAsync(_portal.Email("learner"), TestPortal.Password)).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        var email = _portal.Email("reviewer");
        var client = factory.ClientFor(_portal.Host);
        for (var i = 0; i < 5; i++) await client.LogInAsync(email, "mauvais-mot-de-passe");
        var locked = await client.LogInAsync(email, TestPortal.Password);
        Assert.Contains("verrouillé", await locked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_mailed_link()
    {
        var email = _portal.Email("employer-manager");
        var client = factory.ClientFor(_portal.Host);
        var asked = await client.SubmitAsync("/mot-de-passe-oublie", new Dictionary<string, string> { ["Email"] = email });
        Assert.Contains("Si un compte existe", await asked.Content.ReadAsStringAsync());
        var link = new Uri(await LinkFromMailAsync(email));
        var reset = await client.SubmitAsync(link.PathAndQuery, new Dictionary<string, string>
        {
            ["Input.Code"] = System.Web.HttpUtility.ParseQueryString(link.Query)["code"]!, ["Input.Email"] = email, ["Input.Password"] = "nouveau-secret-2026",
        }, postUrl: "/reinitialiser-mot-de-passe");
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await factory.ClientFor(_portal.Host).LogInAsync(email, "nouveau-secret-2026")).StatusCode);
    }

    [Fact]
    public async Task An_invitation_creates_an_account_with_its_role_once()
    {
        var admin = factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        var invited = $"invitee@{_portal.Id}.test";
        var sent = await admin.SubmitAsync("/admin/comptes", new Dictionary<string, string> { ["Input.Email"] = invited, ["Input.Role"] = "reviewer" });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);

        var link = new Uri(await LinkFromMailAsync(invited));
        var guest = factory.ClientFor(_portal.Host);
        var accepted = await guest.SubmitAsync(link.PathAndQuery, new Dictionary<string, string>
        {
            ["Jeton"] = System.Web.HttpUtility.ParseQueryString(link.Query)["jeton"]!, ["Input.DisplayName"] = "Experte Invitée", ["Input.Password"] = "experte-2026-x",
        });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Contains("Expert·e évaluateur·rice", await guest.GetStringAsync("/compte"));

        var again = await factory.ClientFor(_portal.Host).GetStringAsync(link.PathAndQuery);
        Assert.Contains("invalide, expirée ou déjà utilisée", again);
    }
}
