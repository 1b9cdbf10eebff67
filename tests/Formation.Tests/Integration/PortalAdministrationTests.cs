using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Formation.Tests.Support;

namespace Formation.Tests.Integration;

/// <summary>Portal admins edit their brand and theme without code; platform operators create, suspend and resume portals.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class PortalAdministrationTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("marque");

    public Task InitializeAsync() => factory.RunRecipeAsync(_portal.Recipe());
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private async Task<HttpClient> AdminAsync()
    {
        var client = factory.ClientFor(_portal.Host);
        await client.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        return client;
    }

    private static Dictionary<string, string> Brand(string title, string colour, string theme = "dsfr") => new()
    {
        ["Input.ThemeId"] = theme, ["Input.SiteTitle"] = title, ["Input.PrimaryColor"] = colour,
        ["Input.FooterLinks"] = "Le Département | https://www.example.org\nContact | /mentions-legales",
    };

    [Fact]
    public async Task A_portal_admin_changes_title_colour_theme_and_footer()
    {
        var admin = await AdminAsync();
        var saved = await admin.SubmitAsync("/admin/marque", Brand("Nouveau titre", "#00605b", "horizon"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var home = await factory.ClientFor(_portal.Host).GetStringAsync("/");
        Assert.Contains("<title>Nouveau titre</title>", home);
        Assert.Contains("--brand:#00605b", home);
        Assert.Contains("data-theme=\"horizon\"", home);
        Assert.Contains("href=\"https://www.example.org\"", home);
    }

    [Fact]
    public async Task A_too_light_colour_is_refused_in_french_and_nothing_changes()
    {
        var admin = await AdminAsync();
        var before = await factory.ClientFor(_portal.Host).GetStringAsync("/");
        var title = Regex.Match(before, "<title>(.*?)</title>").Groups[1].Value;

        var refused = await admin.SubmitAsync("/admin/marque", Brand("Titre jamais vu", "#ffee00"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("trop claire", await refused.Content.ReadAsStringAsync());
        var after = await factory.ClientFor(_portal.Host).GetStringAsync("/");
        Assert.Contains($"<title>{title}</title>", after);
        Assert.DoesNotContain("Titre jamais vu", after);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] file, string fileName, string title)
    {
        var page = await client.GetStringAsync("/admin/marque");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in Brand(title, "#123456")) form.Add(new StringContent(v), k);
        form.Add(new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken");
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(content, "Logo", fileName);
        return await client.PostAsync("/admin/marque", form);
    }

    [Fact]
    public async Task A_logo_is_checked_by_its_content_then_served()
    {
        var admin = await AdminAsync();
        var fake = await UploadAsync(admin, [0x4D, 0x5A, 0x90, 0x00, 0x03], "logo.png", "Avec logo");
        Assert.Equal(HttpStatusCode.OK, fake.StatusCode);
        Assert.Contains("PNG, JPEG ou WebP", await fake.Content.ReadAsStringAsync());

        var real = await UploadAsync(admin, Png, "logo.png", "Avec logo");
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        var home = await factory.ClientFor(_portal.Host).GetStringAsync("/");
        var src = Regex.Match(home, "src=\"(/marque/logo\\?v=[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(src);
        var logo = await factory.ClientFor(_portal.Host).GetAsync(src);
        Assert.Equal("image/png", logo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await logo.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_platform_operator_creates_suspends_and_resumes_a_portal()
    {
        await factory.EnsurePlatformAsync();
        var operatorClient = factory.ClientFor("localhost");
        Assert.Equal(HttpStatusCode.Redirect, (await operatorClient.LogInAsync("operateur@plateforme.test", TestPortal.Password)).StatusCode);

        var id = "cree-" + Guid.NewGuid().ToString("N")[..6];
        var created = await operatorClient.SubmitAsync("/plateforme/portails", new Dictionary<string, string>
        {
            ["Input.Id"] = id, ["Input.Name"] = "Portail créé", ["Input.Hosts"] = $"{id}.test.localhost",
        }, postUrl: "/plateforme/portails?handler=Creer");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var portal = factory.ClientFor($"{id}.test.localhost");
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync("/")).StatusCode);

        var duplicate = await operatorClient.SubmitAsync("/plateforme/portails", new Dictionary<string, string>
        {
            ["Input.Id"] = id + "-bis", ["Input.Name"] = "Doublon", ["Input.Hosts"] = $"{id}.test.localhost",
        }, postUrl: "/plateforme/portails?handler=Creer");
        Assert.Contains("sert déjà le portail", await duplicate.Content.ReadAsStringAsync());

        await operatorClient.SubmitAsync("/plateforme/portails", new Dictionary<string, string>(), postUrl: $"/plateforme/portails?handler=Suspendre&id={id}");
        var suspended = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, suspended.StatusCode);
        Assert.Contains("suspendu", await suspended.Content.ReadAsStringAsync());

        await operatorClient.SubmitAsync("/plateforme/portails", new Dictionary<string, string>(), postUrl: $"/plateforme/portails?handler=Reprendre&id={id}");
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync("/")).StatusCode);
    }
}
