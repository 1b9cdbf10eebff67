using System.Security.Cryptography;
using System.Text;
using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Tenancy;

namespace Formation.Benchmarks.Dataset;

/// <summary>A generated module, ready to be stored as the catalogue stores a published one.</summary>
public sealed record GeneratedModule(TrainingModule Module, ModuleVersion Version, IReadOnlyList<TrainingSession> Sessions);

/// <summary>
/// Generates realistic training modules, deterministically: module <c>i</c> depends only on the seed, <c>i</c> and the
/// demo recipe, so any batch can be generated alone and in parallel. Texts are recombined from the demo modules
/// (title variants, summaries, description paragraphs, objectives and outline of modules sharing a theme); themes,
/// professions, formats, prices, durations, certifications and sessions follow the demo's distribution. Most modules
/// belong to the platform's shared catalogue, a few to the Département and federation portals.
/// </summary>
public sealed class ModuleGenerator(DemoVocabulary demo, int seed)
{
    /// <summary>Bump when the generated data changes, so that a prepared data folder is not reused by mistake.</summary>
    public const int Version = 1;
    public const string Departement = "departement";
    public const string Federation = "federation";
    public static readonly DateTimeOffset Reference = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Regions =
    [
        "Hauts-de-France", "Normandie", "Bretagne", "Pays de la Loire", "Centre-Val de Loire", "Bourgogne-Franche-Comté", "Grand Est",
        "Auvergne-Rhône-Alpes", "Occitanie", "Nouvelle-Aquitaine", "Provence-Alpes-Côte d'Azur", "Île-de-France", "Corse", "La Réunion",
    ];

    private static readonly string[] Qualifiers =
    [
        "repères pour la pratique", "approfondissement", "en établissement", "en milieu ouvert", "pour les assistants familiaux",
        "pour les cadres", "pour les équipes de MECS", "cas pratiques", "retours d'expérience", "outils et méthodes", "initiation",
        "perfectionnement", "session intensive", "en accueil familial", "au domicile des familles", "en lien avec la justice des mineurs",
        "pour les professionnels nouvellement recrutés", "analyse de situations", "travailler en réseau", "le point sur la loi de 2022",
    ];

    private static readonly string[] SummaryEndings =
    [
        "Animé par des formateurs de terrain et des juristes.",
        "Chaque séquence se termine par un quiz d'auto-évaluation.",
        "Les situations étudiées sont tirées de la pratique des services de l'ASE.",
        "Une attestation de fin de formation est délivrée.",
        "Conçu avec des professionnels de {0}.",
        "Des ressources téléchargeables accompagnent chaque séquence.",
    ];

    private static readonly string[] PlatformPublishers =
    [
        "Institut national de formation sociale", "École régionale du travail social des Trois-Rivières", "Passerelles, centre de ressources en protection de l'enfance",
    ];

    private readonly string[] _regionalPublishers = Regions.Select(r => $"IRTS {r}")
        .Concat(["Association nationale pour l'enfance", "Centre de formation de l'enfance en danger", "Université populaire du travail social"]).ToArray();

    public GeneratedModule Generate(int index)
    {
        var rng = new Random(unchecked(seed * 1_000_003 + index * 7_919));
        var moduleBase = Pick(rng, demo.Modules);
        var shape = Pick(rng, demo.Modules); // format, price, duration, sessions: drawn apart from the texts, as in the demo

        var owner = rng.NextDouble() switch { < 0.03 => Departement, < 0.06 => Federation, _ => TenantInfo.PlatformId };
        var publisher = owner switch
        {
            Departement => "IRTS de la Vallée",
            Federation => "Campus du travail social",
            _ => rng.NextDouble() < 0.5 ? Pick(rng, PlatformPublishers) : Pick(rng, _regionalPublishers),
        };

        var themes = moduleBase.Themes.ToList();
        if (rng.NextDouble() < 0.2 && Pick(rng, demo.Modules).Themes[0] is var extra && !themes.Contains(extra)) themes.Add(extra);
        var siblings = themes.SelectMany(t => demo.ByTheme[t]).Distinct().ToList();

        var title = Title(rng, siblings.Count > 1 && rng.NextDouble() < 0.3 ? Pick(rng, siblings).Title : moduleBase.Title);
        var summary = rng.NextDouble() < 0.6 ? moduleBase.Summary : Pick(rng, siblings).Summary;
        if (rng.NextDouble() < 0.35)
        {
            var ending = string.Format(Pick(rng, SummaryEndings), Pick(rng, Regions));
            if (summary.Length + ending.Length < 399) summary += " " + ending;
        }

        var paragraphs = new List<string> { Pick(rng, moduleBase.Paragraphs) };
        var more = rng.Next(1, 4);
        for (var p = 0; p < more; p++)
        {
            var paragraph = Pick(rng, Pick(rng, siblings).Paragraphs);
            if (!paragraphs.Contains(paragraph)) paragraphs.Add(paragraph);
        }

        var objectives = Sample(rng, siblings.SelectMany(s => s.Objectives).Distinct().ToList(), rng.Next(3, 7));
        var outline = Sample(rng, moduleBase.Outline.Concat(Pick(rng, siblings).Outline).Distinct().ToList(), rng.Next(4, 8));
        var professions = Sample(rng, moduleBase.Professions.ToList(), rng.Next(1, moduleBase.Professions.Count + 1));

        var duration = Math.Max(0.5m, Math.Round(shape.DurationHours * (decimal)Pick<double>(rng, [0.75, 1, 1, 1, 1.25, 1.5]) * 2, MidpointRounding.AwayFromZero) / 2);
        var factor = 0.85 + rng.NextDouble() * 0.35;
        long Price(long cents) => cents == 0 ? 0 : Math.Max(1000, (long)Math.Round(cents * factor / 1000) * 1000);
        var prices = shape.Prices.IsFree ? ModulePrices.Free
            : new ModulePrices(Price(shape.Prices.IndividualCents), Price(shape.Prices.EmployerSeatCents), Price(shape.Prices.InstituteLicenceCents));
        string? certification = shape.CertificationCode is not null || (shape.Format != ModuleFormat.Mooc && rng.NextDouble() < 0.03)
            ? rng.NextDouble() < 0.7 ? $"RNCP{rng.Next(30000, 42000)}" : $"RS{rng.Next(5000, 7000)}"
            : null;
        var cpf = certification is not null && (shape.CpfEligible || rng.NextDouble() < 0.5);

        var published = Reference.AddDays(-rng.Next(0, 5 * 365)).AddMinutes(-rng.Next(0, 24 * 60));
        var id = NextGuid(rng);
        var content = ModuleContentRules.Validate(new ModuleContent
        {
            Title = title,
            Summary = summary,
            DescriptionMarkdown = string.Join("\n\n", paragraphs),
            Objectives = objectives,
            Outline = outline,
            Professions = professions,
            Themes = themes,
            Level = shape.Level,
            Format = shape.Format,
            DurationHours = duration,
            Language = "fr",
            Prerequisites = rng.NextDouble() < 0.5 ? moduleBase.Prerequisites : shape.Prerequisites,
            AccessibilityInfo = shape.AccessibilityInfo,
            CertificationCode = certification,
            CpfEligible = cpf,
            Prices = prices,
        });
        var version = new ModuleVersion
        {
            Id = NextGuid(rng), ModuleId = id, Number = 1, State = VersionState.Published, Content = content,
            CreatedUtc = published.AddDays(-rng.Next(1, 30)), SubmittedUtc = published.AddDays(-1), PublishedUtc = published,
        };
        var module = new TrainingModule
        {
            Id = id, OwnerTenantId = owner, Slug = $"{ModuleContentRules.Slugify(title)}-{index:x}", PublisherId = PublisherId(publisher),
            PublisherName = publisher, PublishedVersionId = version.Id, CreatedUtc = version.CreatedUtc, Revision = 1,
        };
        var sessions = new List<TrainingSession>();
        var start = DateOnly.FromDateTime(published.UtcDateTime).AddDays(rng.Next(20, 90));
        for (var s = 0; s < shape.SessionCount; s++)
        {
            var days = shape.Format == ModuleFormat.VirtualClass ? 1 : rng.Next(14, 70);
            sessions.Add(new TrainingSession
            {
                Id = NextGuid(rng), ModuleId = id, StartDate = start, EndDate = start.AddDays(days), Capacity = shape.SessionCapacity,
                Tutor = demo.Tutors.Count == 0 ? null : Pick(rng, demo.Tutors),
            });
            start = start.AddDays(rng.Next(90, 240));
        }
        return new GeneratedModule(module, version, sessions);
    }

    private static string Title(Random rng, string title)
    {
        var roll = rng.NextDouble();
        var variant = roll switch
        {
            < 0.2 => title,
            < 0.75 => title + (title.Contains(':') ? " — " : " : ") + Pick(rng, Qualifiers),
            _ => $"{title} ({Pick(rng, Regions)})",
        };
        return variant.Length <= 160 ? variant : title;
    }

    /// <summary>A publisher's id, the same for the same name (the benchmark does not create their organisations).</summary>
    public static Guid PublisherId(string name) => new(MD5.HashData(Encoding.UTF8.GetBytes("publisher:" + name)));

    private static Guid NextGuid(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static List<T> Sample<T>(Random rng, List<T> items, int count)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items.Take(Math.Min(count, items.Count)).ToList();
    }
}
