using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.Import;
using Formation.NationalCatalog.Lheo;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.NationalCatalog;

/// <summary>LHEO 2.3 (issue 7, point 6): the portal's modules exported valid against the schema; Intercarif files imported; hostile XML refused.</summary>
[Collection(NationalCatalogueCollection.Name), Trait("Category", "Integration")]
public sealed class LheoTests(NationalCatalogueHost host)
{
    private static readonly string LheoFolder = Path.Combine(TestPaths.SharedData, "lheo");

    private static XmlSchemaSet Schema()
    {
        var schemas = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(Path.Combine(LheoFolder, "oreof_lheo-2.3.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        schemas.Add(LheoExport.Namespace, reader);
        schemas.Compile();
        return schemas;
    }

    private static List<string> Validate(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema(), DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} l.{e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read()) { }
        return errors;
    }

    [Fact]
    public async Task The_lheo_export_of_a_portal_validates_against_the_lheo_2_3_schema()
    {
        var portal = new TestPortal("lheo");
        var recipe = portal.Recipe(features: NationalCatalogueHost.Features);
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "modules", tenant = portal.Id,
            modules = new object[]
            {
                new { slug = "lheo-attachement", publisher = "organisme", title = "Théorie de l'attachement & pratiques <éducatives>", summary = "Comprendre l'attachement.",
                      description = "Un **module** en ligne.", themes = new[] { "attachement" }, durationHours = 7.5, objectives = new[] { "Repérer les troubles", "Ajuster sa posture" },
                      format = "Accompanied", prices = new { individual = 390 }, certification = new { kind = "Rs", code = "RS5641" }, cpfEligible = true,
                      sessions = new[] { new { start = "2027-01-11", end = "2027-02-12", capacity = 20 } } },
                new { slug = "lheo-mooc", publisher = "organisme", title = "Les fondamentaux de l'ASE", summary = "MOOC.", description = "Texte.", themes = new[] { "fondamentaux-ase" }, durationHours = 3, format = "Mooc" },
            },
        }));
        await host.Factory.RunRecipeAsync(recipe);

        var response = await host.Factory.ClientFor(portal.Host).GetAsync("/api/lheo");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();

        var errors = Validate(xml);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var document = XDocument.Parse(xml);
        XNamespace ns = LheoExport.Namespace;
        Assert.Equal(2, document.Descendants(ns + "formation").Count());
        Assert.Contains(document.Descendants(ns + "intitule-formation"), e => e.Value == "Théorie de l'attachement & pratiques <éducatives>");
        Assert.Contains(document.Descendants(ns + "SIRET"), e => e.Value == "77598765400032");
    }

    [Fact]
    public void The_schema_accepts_the_intercarif_samples_once_in_the_2_3_namespace()
    {
        foreach (var file in Directory.GetFiles(LheoFolder, "trefle_lheo_intercarif_*.xml"))
        {
            var xml = File.ReadAllText(file).Replace("http://www.lheo.org/2.2", LheoExport.Namespace);
            Assert.Empty(Validate(xml));
        }
    }

    [Fact]
    public async Task The_intercarif_samples_are_imported_as_national_trainings()
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<LheoImport>();
        var total = 0;
        foreach (var file in Directory.GetFiles(LheoFolder, "*.xml"))
        {
            await using var stream = File.OpenRead(file);
            var result = await import.ImportAsync(stream);
            total += result.Formations;
        }
        Assert.Equal(4, total);

        var db = scope.ServiceProvider.GetRequiredService<NationalCatalogDbContext>();
        var daeu = await db.Trainings.AsNoTracking().SingleAsync(t => t.NumeroFormation == "lheo-15_464888");
        Assert.Equal(LheoImport.Source, daeu.Source);
        Assert.Equal("28217", daeu.CodeRncp);
        Assert.Equal("19311383400389", daeu.Siret);
        Assert.Equal("31|Haute-Garonne", daeu.Departements);
        Assert.Equal(250, daeu.HoursMin);
        Assert.Contains("15093", daeu.Formacodes);
        Assert.True(await db.Trainings.AnyAsync(t => t.Source == LheoImport.Source && t.CpfEligible));

        // Importing the same files again changes nothing.
        foreach (var file in Directory.GetFiles(LheoFolder, "*.xml"))
        {
            await using var stream = File.OpenRead(file);
            var again = await import.ImportAsync(stream);
            Assert.Equal((0, 0), (again.Added, again.Changed));
        }
    }

    [Fact]
    public async Task An_operator_uploads_an_lheo_file_and_a_hostile_one_is_refused()
    {
        await host.Factory.EnsurePlatformAsync();
        await host.Factory.RunRecipeAsync(new Formation.Shell.Recipes.RecipeDocument
        {
            Name = "lheo-plateforme",
            Steps = [TestPortal.Step(new { name = "features", tenant = Formation.Shell.Tenancy.TenantInfo.PlatformId, enable = NationalCatalogueHost.Features })],
        });
        var client = host.Factory.ClientFor("localhost");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await client.LogInAsync("operateur@plateforme.test", TestPortal.Password)).StatusCode);

        async Task<string> UploadAsync(byte[] file)
        {
            var page = await client.GetStringAsync("/plateforme/catalogue-national");
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            using var form = new MultipartFormDataContent
            {
                { new StringContent(System.Net.WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
                { new ByteArrayContent(file), "fichier", "offre.xml" },
            };
            var response = await client.PostAsync("/plateforme/catalogue-national?handler=Lheo", form);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
            return System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/plateforme/catalogue-national"));
        }

        var imported = await UploadAsync(await File.ReadAllBytesAsync(Path.Combine(LheoFolder, "trefle_lheo_intercarif_poec.xml")));
        Assert.Contains("Fichier LHEO importé : 1 formation(s)", imported);
        var refused = await UploadAsync(Encoding.UTF8.GetBytes("""<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY x SYSTEM "file:///etc/passwd">]><lheo xmlns="http://lheo.gouv.fr/2.3"/>"""));
        Assert.Contains("Import LHEO refusé", refused);
        Assert.DoesNotContain("root:", refused);
    }

    [Theory]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="x"><intitule-formation>&xxe;</intitule-formation></formation></offres></lheo>""")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="x"><intitule-formation>&c;</intitule-formation></formation></offres></lheo>""")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE lheo SYSTEM "http://127.0.0.1:9/lheo.dtd"><lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>""")]
    public async Task Xml_with_entities_or_a_dtd_is_refused(string xml)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<LheoImport>();
        var error = await Assert.ThrowsAsync<CatalogueFileException>(() => import.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(xml))));
        Assert.Contains("DTD", error.Message);
        var db = scope.ServiceProvider.GetRequiredService<NationalCatalogDbContext>();
        Assert.False(await db.Trainings.AnyAsync(t => t.NumeroFormation == "lheo-x"));
    }

    [Fact]
    public async Task A_file_that_is_not_lheo_is_refused_in_french()
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<LheoImport>();
        var error = await Assert.ThrowsAsync<CatalogueFileException>(() => import.ImportAsync(new MemoryStream("<html><body/></html>"u8.ToArray())));
        Assert.Contains("n'est pas un fichier LHEO", error.Message);
    }
}
