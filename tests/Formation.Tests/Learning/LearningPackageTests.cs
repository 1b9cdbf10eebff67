using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Formation.Catalog.Contracts;
using Formation.Learning.Packages;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Learning;

/// <summary>
/// Publishers upload packages on their module versions; hostile or broken packages are refused with a French message
/// and the package in place stays; content is served sandboxed from its own path.
/// </summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class LearningPackageTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("paquets");

    public Task InitializeAsync() => factory.RunRecipeAsync(LearningTestSupport.Recipe(_portal, withPackage: false));
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Publisher, string ModuleId, string VersionId)> PublisherAsync()
    {
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        var workspace = await publisher.GetStringAsync("/espace-editeur");
        var moduleId = Regex.Match(workspace, "/espace-editeur/([0-9a-f-]{36})/contenu").Groups[1].Value;
        Assert.NotEmpty(moduleId);
        var page = await publisher.GetStringAsync($"/espace-editeur/{moduleId}/contenu");
        var versionId = Regex.Match(page, "<option value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        return (publisher, moduleId, versionId);
    }

    private static async Task<string> UploadAsync(HttpClient client, string moduleId, string versionId, byte[] content, string fileName)
    {
        var url = $"/espace-editeur/{moduleId}/contenu";
        var page = await client.GetStringAsync(url);
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
            { new StringContent(versionId), "VersionId" },
            { new ByteArrayContent(content), "Package", fileName },
        };
        var response = await client.PostAsync(url, form);
        if (response.StatusCode == HttpStatusCode.Redirect) return "OK " + await client.GetStringAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var error = Regex.Match(html, "<p id=\"erreur-paquet\">([^<]*)</p>");
        Assert.True(error.Success, "no error shown");
        return WebUtility.HtmlDecode(error.Groups[1].Value);
    }

    [Fact]
    public async Task A_good_package_is_stored_and_bad_ones_are_refused_in_french_keeping_it()
    {
        var (publisher, moduleId, versionId) = await PublisherAsync();
        var ok = await UploadAsync(publisher, moduleId, versionId, await File.ReadAllBytesAsync(LearningTestSupport.SampleCourseZip), "cours.zip");
        Assert.StartsWith("OK", ok);
        Assert.Contains("Quiz de validation", ok);

        string Refused(string message) => message;
        var cases = new (string What, byte[] Zip, string Expected)[]
        {
            ("traversal", LearningTestSupport.Zip(("cmi5.xml", LearningTestSupport.SimpleCmi5), ("index.html", "x"), ("../../evil.txt", "x")), "sort de son dossier"),
            ("absolute", LearningTestSupport.Zip(("cmi5.xml", LearningTestSupport.SimpleCmi5), ("index.html", "x"), ("/etc/evil.txt", "x")), "chemin absolu"),
            ("missing structure", LearningTestSupport.Zip(("index.html", "x")), "ni cmi5.xml ni tincan.xml"),
            ("malformed", LearningTestSupport.Zip(("cmi5.xml", "<courseStructure><course>"), ("index.html", "x")), "n'est pas un XML bien formé"),
            ("xxe", LearningTestSupport.Zip(("cmi5.xml", "<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">&x;</courseStructure>"), ("index.html", "x")), "DOCTYPE"),
            ("billion laughs", LearningTestSupport.Zip(("cmi5.xml", "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><courseStructure>&b;</courseStructure>"), ("index.html", "x")), "DOCTYPE"),
            ("schema", LearningTestSupport.Zip(("cmi5.xml", LearningTestSupport.SimpleCmi5.Replace("moveOn=\"Completed\"", "moveOn=\"Sometimes\"")), ("index.html", "x")), "schéma cmi5"),
            ("missing AU file", LearningTestSupport.Zip(("cmi5.xml", LearningTestSupport.SimpleCmi5)), "absent du paquet"),
            ("duplicated objective", LearningTestSupport.Zip(("cmi5.xml", LearningTestSupport.SimpleCmi5.Replace("<au ",
                "<objectives><objective id=\"https://exemple.test/obj/1\"><title><langstring lang=\"fr\">O</langstring></title><description><langstring lang=\"fr\">D</langstring></description></objective>" +
                "<objective id=\"https://exemple.test/obj/1\"><title><langstring lang=\"fr\">O</langstring></title><description><langstring lang=\"fr\">D</langstring></description></objective></objectives><au ")), ("index.html", "x")), "déclaré deux fois"),
            ("not a zip", Encoding.UTF8.GetBytes("PK\u0003\u0004 tronqué"), "archive zip"),
            ("bomb", Bomb(), "compressé plus de"),
        };
        foreach (var (what, zip, expected) in cases)
        {
            var message = await UploadAsync(publisher, moduleId, versionId, zip, what + ".zip");
            Assert.False(message.StartsWith("OK"), what + " was accepted");
            Assert.Contains(Refused(expected), message);
        }
        // Standalone cmi5.xml: AUs must be absolute URLs.
        var standalone = await UploadAsync(publisher, moduleId, versionId, Encoding.UTF8.GetBytes(LearningTestSupport.SimpleCmi5), "cmi5.xml");
        Assert.Contains("adresses absolues", standalone);

        // The good package is still the version's package, and nothing of the refused ones reached the disk.
        var page = await publisher.GetStringAsync($"/espace-editeur/{moduleId}/contenu");
        Assert.Contains("Quiz de validation", page);
        Assert.Contains("cours.zip", page);
        Assert.False(File.Exists(Path.Combine(factory.DataPath, "evil.txt")));
        var packagesRoot = Path.Combine(factory.DataPath, "packages", _portal.Id);
        Assert.Single(Directory.GetDirectories(packagesRoot));
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataPath, "packages", ".incoming")));
    }

    private static byte[] Bomb()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("cmi5.xml").Open()) s.Write(Encoding.UTF8.GetBytes(LearningTestSupport.SimpleCmi5));
            using (var s = zip.CreateEntry("index.html").Open()) s.Write("x"u8);
            using var big = zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var chunk = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++) big.Write(chunk);
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task Standalone_cmi5_xml_with_external_AUs_and_xapi_packages_are_accepted()
    {
        var (publisher, moduleId, versionId) = await PublisherAsync();
        var external = LearningTestSupport.SimpleCmi5.Replace("<url>index.html</url>", "<url>https://contenus.exemple.test/au/index.html</url>");
        Assert.StartsWith("OK", await UploadAsync(publisher, moduleId, versionId, Encoding.UTF8.GetBytes(external), "cmi5.xml"));
        var tincan = LearningTestSupport.Zip(("tincan.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
              <activity id="https://exemple.test/tincan/cours" type="http://adlnet.gov/expapi/activities/course">
                <name>Cours xAPI</name><description lang="fr">D</description><launch lang="fr">index.html</launch>
              </activity></activities></tincan>
            """), ("index.html", "<p>xAPI</p>"));
        var ok = await UploadAsync(publisher, moduleId, versionId, tincan, "xapi.zip");
        Assert.StartsWith("OK", ok);
        Assert.Contains("xAPI (tincan.xml)", ok);
    }

    [Fact]
    public async Task Content_is_served_sandboxed_and_only_the_publisher_of_the_module_uploads()
    {
        var (publisher, moduleId, versionId) = await PublisherAsync();
        Assert.StartsWith("OK", await UploadAsync(publisher, moduleId, versionId, await File.ReadAllBytesAsync(LearningTestSupport.SampleCourseZip), "cours.zip"));
        var packageId = await factory.InTenantAsync(_portal.Id, async sp =>
            (await sp.GetRequiredService<ContentPackages>().ListForModuleAsync(Guid.Parse(moduleId))).Single().Id);

        var anonymous = factory.ClientFor(_portal.Host);
        var lesson = await anonymous.GetAsync($"/contenus/{packageId}/lesson/index.html");
        Assert.Equal(HttpStatusCode.OK, lesson.StatusCode);
        Assert.Equal("text/html", lesson.Content.Headers.ContentType!.MediaType);
        var csp = lesson.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("sandbox allow-scripts", csp);
        Assert.DoesNotContain("allow-same-origin", csp);
        Assert.Equal("nosniff", lesson.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(lesson.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/contenus/{packageId}/cmi5.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/contenus/{packageId}/cmi5.xml")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/contenus/{packageId}/..%2F..%2Fpackages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/contenus/{Guid.NewGuid()}/lesson/index.html")).StatusCode);

        // Another institute's publisher and learners cannot reach the upload page.
        var learner = factory.ClientFor(_portal.Host);
        await learner.LogInAsync(_portal.Email("learner"), TestPortal.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await learner.GetAsync($"/espace-editeur/{moduleId}/contenu")).StatusCode);
        var other = new TestPortal("paquets-autre");
        await factory.RunRecipeAsync(LearningTestSupport.Recipe(other, withPackage: false));
        var otherPublisher = factory.ClientFor(other.Host);
        await otherPublisher.LogInAsync(other.Email("institute-publisher"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await otherPublisher.GetAsync($"/espace-editeur/{moduleId}/contenu")).StatusCode);
        await Assert.ThrowsAsync<PackageRejectedException>(() => factory.InTenantAsync(other.Id, async sp =>
        {
            await using var zip = File.OpenRead(LearningTestSupport.SampleCourseZip);
            return await sp.GetRequiredService<ContentPackages>().ImportAsync(Guid.Parse(moduleId), Guid.Parse(versionId), "x.zip", zip, null, null);
        }));
    }
}
