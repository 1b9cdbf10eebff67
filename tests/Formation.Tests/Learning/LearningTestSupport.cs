using System.IO.Compression;
using System.Text;
using Formation.Shell.Recipes;
using Formation.Tests.Support;

namespace Formation.Tests.Learning;

/// <summary>A portal with Catalog, Lrs and Learning on, an institute's free MOOC and a paid module, for the Learning tests.</summary>
public static class LearningTestSupport
{
    public static readonly string[] Features = ["Formation.Identity.Registration", "Formation.Catalog", "Lrs", "Learning"];

    public static RecipeDocument Recipe(TestPortal portal, bool withPackage = true)
    {
        var recipe = portal.Recipe(features: Features);
        var steps = recipe.Steps.ToList();
        steps.Add(TestPortal.Step(new
        {
            name = "modules", tenant = portal.Id,
            modules = new object[]
            {
                new { slug = "mooc-reperer", publisher = "organisme", title = "Repérer un enfant en danger", summary = "Les premiers signes.", description = "Un MOOC court.", themes = new[] { "fondamentaux-ase" }, format = "Mooc", durationHours = 1.5m, publish = true },
                new { slug = "module-payant", publisher = "organisme", title = "Module payant", summary = "Accompagné.", description = "Payant.", themes = new[] { "fondamentaux-ase" }, format = "Accompanied", durationHours = 7m, prices = new { individual = 90m, employerSeat = 80m, instituteLicence = 500m }, publish = true },
            },
        }));
        if (withPackage)
            steps.Add(TestPortal.Step(new { name = "packages", tenant = portal.Id, packages = new[] { new { module = "mooc-reperer", file = "media/generated/cmi5-course.zip" } } }));
        return new RecipeDocument { Name = recipe.Name, Steps = steps };
    }

    public static string SampleCourseZip => Path.Combine(TestPaths.RecipesFolder, "media", "generated", "cmi5-course.zip");

    /// <summary>A zip made of (name, content) entries, as a hostile publisher could craft it.</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
                using var s = entry.Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
        return buffer.ToArray();
    }

    public const string SimpleCmi5 = """
        <?xml version="1.0" encoding="utf-8"?>
        <courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
          <course id="https://exemple.test/cours/1"><title><langstring lang="fr">Cours</langstring></title><description><langstring lang="fr">D</langstring></description></course>
          <au id="https://exemple.test/cours/1/au" moveOn="Completed"><title><langstring lang="fr">AU</langstring></title><description><langstring lang="fr">D</langstring></description><url>index.html</url></au>
        </courseStructure>
        """;
}
