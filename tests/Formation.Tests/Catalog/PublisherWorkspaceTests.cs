using System.Net;
using Formation.Tests.Integration;
using Formation.Tests.Support;

namespace Formation.Tests.Catalog;

/// <summary>An institute's publisher drafts a module, previews it as learners will see it, and submits it; learners never see the draft.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class PublisherWorkspaceTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("editeur");

    public Task InitializeAsync() => factory.RunRecipeAsync(_portal.Recipe(features: ["Formation.Catalog"]));
    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, string> Form(string title, string price = "0", string format = "Mooc") => new()
    {
        ["Input.Title"] = title, ["Input.Summary"] = "Repérer et accompagner.", ["Input.Description"] = "Un module *pratique*.",
        ["Input.Objectives"] = "Repérer\nAgir", ["Input.Outline"] = "Partie 1\nPartie 2", ["Input.Themes"] = "fratries", ["Input.Professions"] = "assistant-familial",
        ["Input.Format"] = format, ["Input.Level"] = "Discovery", ["Input.DurationHours"] = "2,5".Replace(',', '.'),
        ["Input.PriceIndividual"] = price, ["Input.PriceEmployerSeat"] = "0", ["Input.PriceInstituteLicence"] = "0", ["action"] = "save",
    };

    [Fact]
    public async Task A_publisher_drafts_previews_and_submits_a_module()
    {
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);

        var created = await publisher.SubmitAsync("/espace-editeur/nouveau", Form("Préserver les liens fraternels"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var editUrl = created.Headers.Location!.ToString();
        Assert.Matches("^/espace-editeur/[0-9a-f-]{36}$", editUrl);

        Assert.Contains("Préserver les liens fraternels", await publisher.GetStringAsync("/espace-editeur"));
        var preview = await publisher.GetStringAsync(editUrl + "/apercu");
        Assert.Contains("Aperçu de la version 1", preview);
        Assert.Contains("<em>pratique</em>", preview);

        var learner = factory.ClientFor(_portal.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await learner.GetAsync("/formations/preserver-les-liens-fraternels")).StatusCode);

        var submitted = await publisher.SubmitAsync(editUrl, new Dictionary<string, string>(Form("Préserver les liens fraternels")) { ["action"] = "submit" });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Contains("soumis à relecture", await publisher.GetStringAsync("/espace-editeur"));

        var admin = factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        var moduleId = editUrl.Split('/').Last();
        await admin.SubmitAsync("/admin/publication", new Dictionary<string, string>(), postUrl: $"/admin/publication?handler=Publier&id={moduleId}");
        Assert.Equal(HttpStatusCode.OK, (await learner.GetAsync("/formations/preserver-les-liens-fraternels")).StatusCode);
    }

    [Fact]
    public async Task The_workspace_refuses_bad_content_in_french_and_keeps_nothing()
    {
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        var refused = await publisher.SubmitAsync("/espace-editeur/nouveau", Form("MOOC payant", price: "90"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Un MOOC est gratuit", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("MOOC payant", await publisher.GetStringAsync("/espace-editeur"));
    }

    [Fact]
    public async Task Employer_volume_tiers_are_checked_saved_and_shown_to_employers()
    {
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        Dictionary<string, string> Tiered(string secondMinimum) => new(Form("Tarif dégressif", price: "120", format: "Accompanied"))
        {
            ["Input.PriceEmployerSeat"] = "100",
            ["Input.EmployerTiers[0].MinimumSeats"] = "10", ["Input.EmployerTiers[0].UnitPrice"] = "90",
            ["Input.EmployerTiers[1].MinimumSeats"] = secondMinimum, ["Input.EmployerTiers[1].UnitPrice"] = "80",
            ["Input.EmployerTiers[2].MinimumSeats"] = "", ["Input.EmployerTiers[2].UnitPrice"] = "",
        };

        var form = await publisher.GetStringAsync("/espace-editeur/nouveau");
        Assert.Contains("Tarif dégressif employeur (facultatif)", form);
        Assert.Contains("name=\"Input.EmployerTiers[4].UnitPrice\"", form);

        var refused = await publisher.SubmitAsync("/espace-editeur/nouveau", Tiered("5"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Palier 2 : le nombre minimum de places doit dépasser celui du palier précédent (10).", refusedHtml);
        Assert.Contains("fr-fieldset--error", refusedHtml);
        Assert.DoesNotContain("Tarif dégressif", await publisher.GetStringAsync("/espace-editeur"));

        var created = await publisher.SubmitAsync("/espace-editeur/nouveau", Tiered("25"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var editUrl = created.Headers.Location!.ToString();
        var edit = await publisher.GetStringAsync(editUrl);
        Assert.Contains("id=\"Input_EmployerTiers_1__MinimumSeats\" name=\"Input.EmployerTiers[1].MinimumSeats\" type=\"number\" value=\"25\"", edit);

        var admin = factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        await admin.SubmitAsync("/admin/publication", new Dictionary<string, string>(), postUrl: $"/admin/publication?handler=Publier&id={editUrl.Split('/').Last()}");
        var employer = factory.ClientFor(_portal.Host);
        await employer.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var page = await employer.GetStringAsync("/formations/tarif-degressif");
        Assert.Contains("Tarif dégressif : à partir de 10 places, 90,00 € HT la place", page);
        Assert.Contains("Tarif dégressif : à partir de 25 places, 80,00 € HT la place", page);
        Assert.DoesNotContain("à partir de 10 places", await factory.ClientFor(_portal.Host).GetStringAsync("/formations/tarif-degressif"));
    }

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private static async Task<HttpResponseMessage> PostWithCoverAsync(HttpClient client, string url, Dictionary<string, string> fields, byte[] cover)
    {
        var page = await client.GetStringAsync(url);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        form.Add(new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken");
        form.Add(new ByteArrayContent(cover), "Cover", "couverture.png");
        return await client.PostAsync(url, form);
    }

    [Fact]
    public async Task A_cover_is_checked_by_its_content_and_shown_once_published()
    {
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        var refused = await PostWithCoverAsync(publisher, "/espace-editeur/nouveau", Form("Avec une fausse image"), [0x4D, 0x5A, 0x90, 0x00]);
        Assert.Contains("PNG, JPEG ou WebP", await refused.Content.ReadAsStringAsync());

        var created = await PostWithCoverAsync(publisher, "/espace-editeur/nouveau", Form("Avec une couverture"), Png);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var moduleId = created.Headers.Location!.ToString().Split('/').Last();
        var admin = factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        await admin.SubmitAsync("/admin/publication", new Dictionary<string, string>(), postUrl: $"/admin/publication?handler=Publier&id={moduleId}");

        var page = await factory.ClientFor(_portal.Host).GetStringAsync("/formations/avec-une-couverture");
        var src = System.Text.RegularExpressions.Regex.Match(page, "src=\"(/formations/couvertures/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(src);
        var image = await factory.ClientFor(_portal.Host).GetAsync(src);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor(_portal.Host).GetAsync("/formations/couvertures/..%2f..%2fformation.db")).StatusCode);
    }

    [Theory]
    [InlineData("learner")]
    [InlineData("employer-manager")]
    public async Task Only_publishers_enter_the_workspace(string role)
    {
        var client = factory.ClientFor(_portal.Host);
        await client.LogInAsync(_portal.Email(role), TestPortal.Password);
        var response = await client.GetAsync("/espace-editeur");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/acces-refuse", response.Headers.Location!.ToString());
    }
}
