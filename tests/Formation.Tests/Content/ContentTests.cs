using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Formation.Content;
using Formation.Content.Data;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Shell.Text;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Formation.Tests.Content;

/// <summary>One host whose clock the tests move (scheduled publication), shared by the content tests.</summary>
public sealed class ContentHost : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    public FakeTimeProvider Time { get; } = new(Start);
    public FormationFactory Factory { get; }

    public ContentHost() => Factory = new FormationFactory { TestServices = services => services.AddSingleton<TimeProvider>(Time) };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ContentCollection : ICollectionFixture<ContentHost>
{
    public const string Name = "content";
}

/// <summary>The resource centre on a real database: scheduling, isolation, sharing, media checks, Liquid sandbox, moderation, feeds, recipe round trip.</summary>
[Collection(ContentCollection.Name), Trait("Category", "Integration")]
public sealed class ContentTests(ContentHost host) : IAsyncLifetime
{
    private static readonly string[] Features = ["Formation.Catalog", "Formation.Search", "Formation.Content"];
    private readonly TestPortal _a = new("contenu-a");
    private readonly TestPortal _b = new("contenu-b");
    private FormationFactory Factory => host.Factory;

    public async Task InitializeAsync()
    {
        await Factory.RunRecipeAsync(_a.Recipe(features: Features));
        await Factory.RunRecipeAsync(_b.Recipe(features: Features));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpClient> SignedInAsync(TestPortal portal, string role)
    {
        var client = Factory.ClientFor(portal.Host);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(portal.Email(role), TestPortal.Password)).StatusCode);
        return client;
    }

    private static Dictionary<string, string> News(string title, string? publishAt = null, string body = "Un texte **important**.") => new()
    {
        ["Input.Kind"] = "News", ["Input.Version"] = "0", ["Input.Title"] = title, ["Input.Summary"] = "Résumé de " + title,
        ["Input.BodyMarkdown"] = body, ["Input.PublishAt"] = publishAt ?? "", ["Input.Published"] = "true", ["Input.Themes"] = "violences-ip",
    };

    private static string Paris(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).ToString("yyyy-MM-dd'T'HH:mm");

    [Fact]
    public async Task A_scheduled_article_appears_at_its_time_on_its_portal_only()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        var title = "Programmée " + Guid.NewGuid().ToString("N")[..6];
        var at = host.Time.GetUtcNow().AddHours(2);
        var saved = await admin.SubmitAsync("/admin/contenus/edition?type=News", News(title, Paris(at)), "/admin/contenus/edition");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var slug = ContentAuthoring.Slugify(title);

        var visitor = Factory.ClientFor(_a.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/actualites/{slug}")).StatusCode);
        Assert.DoesNotContain(title, await visitor.GetStringAsync("/actualites"));
        Assert.Contains("Programmé pour le", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/contenus")));

        // Indexed at once (through the outbox), but not found before its time.
        var id = Guid.Parse(saved.Headers.Location!.OriginalString.Split('/').Last());
        var index = Factory.Services.GetRequiredService<Formation.Search.Indexing.SearchIndex>();
        await Formation.Tests.Workflows.WorkflowTestSupport.WaitForAsync(() => Task.FromResult(index.Windows.Contains(Formation.Search.Indexing.DocumentFields.IdOf("ressources", id.ToString("D")))), what: "the article in the index");
        var search = $"/recherche?q={Uri.EscapeDataString(title)}&source=ressources";
        Assert.DoesNotContain($"href=\"/actualites/{slug}\"", await visitor.GetStringAsync(search));

        host.Time.Advance(TimeSpan.FromHours(2));
        Assert.Contains(title, WebUtility.HtmlDecode(await visitor.GetStringAsync($"/actualites/{slug}")));
        Assert.Contains(title, WebUtility.HtmlDecode(await visitor.GetStringAsync("/actualites")));
        var feed = XDocument.Parse(await visitor.GetStringAsync("/actualites/flux.atom"));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Contains(feed.Root!.Elements(atom + "entry"), e => e.Element(atom + "title")!.Value == title);

        var found = await visitor.GetStringAsync(search);
        Assert.Contains($"href=\"/actualites/{slug}\"", found);
        Assert.Contains("Ressources", WebUtility.HtmlDecode(found));

        var other = Factory.ClientFor(_b.Host);
        Assert.DoesNotContain($"href=\"/actualites/{slug}\"", await other.GetStringAsync(search));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/actualites/{slug}")).StatusCode);
        Assert.DoesNotContain(title, await other.GetStringAsync("/actualites/flux.atom"));
    }

    [Fact]
    public async Task Another_portal_cannot_open_or_change_an_item()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        var title = "Privée " + Guid.NewGuid().ToString("N")[..6];
        var saved = await admin.SubmitAsync("/admin/contenus/edition?type=News", News(title), "/admin/contenus/edition");
        var id = saved.Headers.Location!.OriginalString.Split('/').Last();
        var otherAdmin = await SignedInAsync(_b, "tenant-admin");
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.GetAsync($"/admin/contenus/edition/{id}")).StatusCode);
        Assert.DoesNotContain(title, await otherAdmin.GetStringAsync("/admin/contenus"));
        var learner = await SignedInAsync(_a, "learner");
        var refused = await learner.GetAsync("/admin/contenus");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await Factory.ClientFor(_b.Host).GetAsync("/admin/contenus/export")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await learner.GetAsync("/admin/contenus/export")).StatusCode);
    }

    [Fact]
    public async Task Platform_items_show_on_every_portal_only_when_shared()
    {
        await Factory.EnsurePlatformAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "partage",
            Steps =
            [
                TestPortal.Step(new { name = "features", tenant = TenantInfo.PlatformId, enable = Features }),
                TestPortal.Step(new
                {
                    name = "content", tenant = TenantInfo.PlatformId,
                    items = new object[]
                    {
                        new { kind = "Resource", title = "Guide partagé " + suffix, summary = "Pour tous", body = "Texte", shared = true, themes = new[] { "fratries" }, format = "Guide", publish = ContentHost.Start.AddDays(-1) },
                        new { kind = "Resource", title = "Guide interne " + suffix, summary = "Pour la plateforme", body = "Texte", shared = false, themes = new[] { "fratries" }, publish = ContentHost.Start.AddDays(-1) },
                    },
                }),
            ],
        });
        var page = WebUtility.HtmlDecode(await Factory.ClientFor(_b.Host).GetStringAsync("/ressources"));
        Assert.Contains("Guide partagé " + suffix, page);
        Assert.DoesNotContain("Guide interne " + suffix, page);

        // Only the platform may share.
        var error = await Assert.ThrowsAsync<RecipeException>(() => Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "partage-refuse",
            Steps = [TestPortal.Step(new { name = "content", tenant = _a.Id, items = new object[] { new { kind = "News", title = "Pour tous " + suffix, shared = true } } })],
        }));
        Assert.Contains("Seule la plateforme", error.Message);
    }

    [Fact]
    public async Task Media_are_checked_by_content_size_and_alt_text()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        async Task<string> UploadAsync(byte[] bytes, string name, string alt)
        {
            var page = await admin.GetStringAsync("/admin/medias");
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(bytes), "file", name },
                { new StringContent(alt), "altText" },
                { new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
            };
            var response = await admin.PostAsync("/admin/medias", form);
            return response.StatusCode == HttpStatusCode.Redirect ? "ok" : WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("le contenu du fichier en décide", await UploadAsync("<script>alert(1)</script>"u8.ToArray(), "photo.png", "Une photo"));
        Assert.Contains("texte alternatif", await UploadAsync(TinyPng, "photo.png", ""));
        Assert.Equal("ok", await UploadAsync(TinyPng, "photo.png", "Deux enfants dessinent"));
        Assert.Equal("ok", await UploadAsync("%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray(), "guide.pdf", ""));

        var media = await Factory.InTenantAsync(_a.Id, sp => sp.GetRequiredService<ContentDbContext>().Media.ToListAsync());
        var image = Assert.Single(media, m => m.Extension == "png");
        var served = await Factory.ClientFor(_a.Host).GetAsync(ContentReader.MediaUrl(image));
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.ClientFor(_b.Host).GetAsync(ContentReader.MediaUrl(image))).StatusCode);
    }

    [Fact]
    public async Task A_liquid_template_cannot_read_files_and_the_default_block_shows()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        // The defaults become real blocks at the first change: add one, then give it a template that includes a file.
        var added = await admin.SubmitAsync("/admin/accueil", new Dictionary<string, string> { ["Input.Kind"] = "CallToAction", ["Input.Title"] = "Appel sûr" }, "/admin/accueil?handler=Add");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var blocks = await Factory.InTenantAsync(_a.Id, sp => sp.GetRequiredService<ContentDbContext>().HomeBlocks.OrderBy(b => b.Order).ToListAsync());
        var block = blocks.Last();
        var saved = await admin.SubmitAsync("/admin/accueil", new Dictionary<string, string>
        {
            ["Input.Kind"] = "CallToAction", ["Input.Title"] = "Appel sûr", ["Input.Template"] = "<p>{{ block.title }}</p>{% include '/etc/passwd' %}",
        }, $"/admin/accueil?id={block.Id}&handler=Update");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var adminPage = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/accueil"));
        Assert.Contains("Un gabarit ne peut lire aucun fichier", adminPage);
        var home = WebUtility.HtmlDecode(await Factory.ClientFor(_a.Host).GetStringAsync("/"));
        Assert.Contains("Appel sûr", home);
        Assert.DoesNotContain("root:", home);

        // A working template replaces the markup; its values are encoded and the output sanitised.
        await admin.SubmitAsync("/admin/accueil", new Dictionary<string, string>
        {
            ["Input.Kind"] = "CallToAction", ["Input.Title"] = "<b>Titre</b>", ["Input.Template"] = "<div class=\"gabarit-perso\">{{ block.title }}</div><script>alert(1)</script>",
        }, $"/admin/accueil?id={block.Id}&handler=Update");
        var custom = await Factory.ClientFor(_a.Host).GetStringAsync("/");
        Assert.Contains("<div class=\"gabarit-perso\">&lt;b&gt;Titre&lt;/b&gt;</div>", custom);
        Assert.DoesNotContain("<script>alert(1)", custom);
    }

    [Fact]
    public async Task A_proposed_good_practice_appears_only_after_an_editor_approves_it()
    {
        var learner = await SignedInAsync(_a, "learner");
        var title = "Pratique " + Guid.NewGuid().ToString("N")[..6];
        var practice = new Dictionary<string, string>
        {
            ["Input.Title"] = title, ["Input.Summary"] = "Un résumé", ["Input.Context"] = "Le contexte", ["Input.WhatWasDone"] = "Ce qui a été fait",
            ["Input.Results"] = "Les résultats", ["Input.Territory"] = "Vallée", ["Input.BodyMarkdown"] = "Détails", ["Input.Themes"] = "jeunes-majeurs",
        };
        Assert.Equal(HttpStatusCode.Redirect, (await learner.SubmitAsync("/bonnes-pratiques/proposer", practice)).StatusCode);
        var slug = ContentAuthoring.Slugify(title);
        var visitor = Factory.ClientFor(_a.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/bonnes-pratiques/{slug}")).StatusCode);

        var editor = await SignedInAsync(_a, "tenant-admin");
        var moderation = WebUtility.HtmlDecode(await editor.GetStringAsync("/admin/moderation"));
        Assert.Contains(title, moderation);
        var taskId = System.Text.RegularExpressions.Regex.Match(moderation, $"{title}[\\s\\S]*?name=\"taskId\" value=\"([0-9a-f-]+)\"").Groups[1].Value;

        // Asking for changes needs a message, which the author reads.
        var refused = await editor.SubmitAsync("/admin/moderation", new Dictionary<string, string> { ["taskId"] = taskId, ["outcome"] = "changes", ["message"] = "" });
        Assert.Contains("le message est obligatoire", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await editor.SubmitAsync("/admin/moderation", new Dictionary<string, string> { ["taskId"] = taskId, ["outcome"] = "changes", ["message"] = "Précisez le territoire." })).StatusCode);
        var mine = WebUtility.HtmlDecode(await learner.GetStringAsync("/bonnes-pratiques/mes-propositions"));
        Assert.Contains("Précisez le territoire.", mine);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/bonnes-pratiques/{slug}")).StatusCode);

        var id = System.Text.RegularExpressions.Regex.Match(mine, "proposer\\?id=([0-9a-f-]+)").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await learner.SubmitAsync($"/bonnes-pratiques/proposer?id={id}", new Dictionary<string, string>(practice) { ["Input.Territory"] = "Département de la Vallée" })).StatusCode);

        moderation = WebUtility.HtmlDecode(await editor.GetStringAsync("/admin/moderation"));
        taskId = System.Text.RegularExpressions.Regex.Match(moderation, $"{title}[\\s\\S]*?name=\"taskId\" value=\"([0-9a-f-]+)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await editor.SubmitAsync("/admin/moderation", new Dictionary<string, string> { ["taskId"] = taskId, ["outcome"] = "approve" })).StatusCode);
        var published = WebUtility.HtmlDecode(await visitor.GetStringAsync($"/bonnes-pratiques/{slug}"));
        Assert.Contains("Département de la Vallée", published);
        Assert.Equal(HttpStatusCode.NotFound, (await Factory.ClientFor(_b.Host).GetAsync($"/bonnes-pratiques/{slug}")).StatusCode);

        // A learner is no moderator.
        Assert.NotEqual(HttpStatusCode.OK, (await learner.GetAsync("/admin/moderation")).StatusCode);
    }

    [Fact]
    public async Task The_export_is_a_content_step_that_sets_up_another_portal()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "source",
            Steps =
            [
                TestPortal.Step(new
                {
                    name = "content", tenant = _a.Id,
                    items = new object[]
                    {
                        new { kind = "Page", title = "À propos " + suffix, body = "Qui nous sommes" },
                        new { kind = "GoodPractice", title = "Maison " + suffix, context = "Contexte", whatWasDone = "Action", territory = "Vallée", themes = new[] { "familles" } },
                    },
                    menu = new object[] { new { text = "À propos", url = "/pages/a-propos-" + suffix, children = new object[] { new { text = "Contact", url = "https://exemple.fr/contact" } } } },
                    home = new object[] { new { kind = "LatestNews", title = "Nouvelles " + suffix, count = 2 }, new { kind = "Hero", title = "Bienvenue " + suffix } },
                }),
            ],
        });
        var admin = await SignedInAsync(_a, "tenant-admin");
        var export = await admin.GetAsync("/admin/contenus/export");
        Assert.Equal("application/json", export.Content.Headers.ContentType!.MediaType);
        var step = JsonNode.Parse(await export.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("content", (string?)step["name"]);
        step["tenant"] = _b.Id;
        await Factory.RunRecipeAsync(new RecipeDocument { Name = "copie", Steps = [step] });

        var copy = Factory.ClientFor(_b.Host);
        Assert.Contains("Qui nous sommes", WebUtility.HtmlDecode(await copy.GetStringAsync($"/pages/a-propos-{suffix}")));
        Assert.Contains("Vallée", WebUtility.HtmlDecode(await copy.GetStringAsync($"/bonnes-pratiques/maison-{suffix}")));
        var home = WebUtility.HtmlDecode(await copy.GetStringAsync("/"));
        Assert.True(home.IndexOf("Nouvelles " + suffix, StringComparison.Ordinal) < home.IndexOf("Bienvenue " + suffix, StringComparison.Ordinal), "Blocks keep their order.");
        Assert.Contains("https://exemple.fr/contact", home);

        // A bad step names its field.
        var error = await Assert.ThrowsAsync<RecipeException>(() => Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "mauvaise",
            Steps = [TestPortal.Step(new { name = "content", tenant = _b.Id, items = new object[] { new { kind = "News", title = "Mauvais lien", link = "javascript:alert(1)" } } })],
        }));
        Assert.Contains("items[0].externalUrl", error.Message);
    }

    [Fact]
    public async Task The_sitemap_lists_content_and_the_layout_carries_canonical_and_open_graph()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "plan",
            Steps = [TestPortal.Step(new { name = "content", tenant = _a.Id, items = new object[] { new { kind = "News", title = "Plan " + suffix, summary = "Résumé du plan", seoDescription = "Description SEO " + suffix, publish = ContentHost.Start.AddDays(-2) } } })],
        });
        var visitor = Factory.ClientFor(_a.Host);
        var sitemap = XDocument.Parse(await visitor.GetStringAsync("/sitemap.xml"));
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        Assert.Contains(sitemap.Root!.Elements(ns + "url"), u => u.Element(ns + "loc")!.Value == $"http://{_a.Host}/actualites/plan-{suffix}");
        var page = await visitor.GetStringAsync($"/actualites/plan-{suffix}?utm=x");
        Assert.Contains($"<link rel=\"canonical\" href=\"http://{_a.Host}/actualites/plan-{suffix}\">", page);
        Assert.Contains("<meta property=\"og:type\" content=\"article\">", page);
        Assert.Contains($"Description SEO {suffix}", page);
    }

    [Fact]
    public async Task The_portal_menu_is_nested_one_level_and_shown_in_the_header()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        var top = Guid.NewGuid();
        var saved = await admin.SubmitAsync("/admin/menu", new Dictionary<string, string>
        {
            ["Entries[0].Id"] = top.ToString(), ["Entries[0].Text"] = "Le réseau", ["Entries[0].Url"] = "/pages/reseau", ["Entries[0].Order"] = "1",
            ["Entries[1].Text"] = "Nos adhérents", ["Entries[1].Url"] = "/pages/adherents", ["Entries[1].ParentId"] = top.ToString(), ["Entries[1].Order"] = "2",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var home = await Factory.ClientFor(_a.Host).GetStringAsync("/");
        Assert.Contains("Le réseau", WebUtility.HtmlDecode(home));
        Assert.Contains($"href=\"/pages/adherents\"", home);
        Assert.DoesNotContain("Le réseau", WebUtility.HtmlDecode(await Factory.ClientFor(_b.Host).GetStringAsync("/")));
        var bad = await admin.SubmitAsync("/admin/menu", new Dictionary<string, string> { ["Entries[0].Text"] = "Piège", ["Entries[0].Url"] = "javascript:alert(1)", ["Entries[0].Order"] = "1" });
        Assert.Contains("commence par /", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_live_preview_renders_like_the_page_for_editors_only()
    {
        var admin = await SignedInAsync(_a, "tenant-admin");
        var preview = await admin.PostAsync("/admin/contenus/apercu", new FormUrlEncodedContent(new Dictionary<string, string> { ["markdown"] = "**gras** <script>x</script>" }));
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Contains("<strong>gras</strong>", html);
        Assert.DoesNotContain("<script", html);
        var anonymous = await Factory.ClientFor(_a.Host).PostAsync("/admin/contenus/apercu", new FormUrlEncodedContent(new Dictionary<string, string> { ["markdown"] = "x" }));
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
    }

    [Fact]
    public void Markdown_is_rendered_without_raw_html()
    {
        var html = SafeMarkdown.RenderRich("## Titre\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(2)) ![photo](https://exemple.fr/a.png)");
        Assert.Contains("<h2", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("<img src=\"https://exemple.fr/a.png\" alt=\"photo\">", html);
    }

    private static readonly byte[] TinyPng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
