using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Formation.NationalCatalog.Data;
using Formation.NationalCatalog.Import;
using Formation.Shell.Data;
using Formation.Shell.Places;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog.Lheo;

public sealed record LheoImportResult(int Formations, int Added, int Changed, int Relevant, IReadOnlyList<string> Errors);

/// <summary>
/// Imports LHEO 2.2 or 2.3 offers (e.g. the Intercarif export) as national trainings of source "lheo". The XML is
/// hostile: no DTD (so no external entity and no entity expansion), no resolver, a size limit, and each
/// <c>formation</c> is read on its own so a large file is streamed.
/// </summary>
public sealed class LheoImport(NationalCatalogDbContext db, ShellDatabase database, RelevanceRuleStore rules, NationalCatalogueEvents events)
{
    public const string Source = "lheo";
    public static readonly string[] Namespaces = ["http://lheo.gouv.fr/2.3", "http://www.lheo.org/2.2", ""];
    public const long MaxCharacters = 500L * 1024 * 1024;

    public static XmlReaderSettings SafeSettings => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = MaxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        Async = true,
    };

    /// <exception cref="CatalogueFileException">Not an LHEO file, or unsafe/invalid XML (French message).</exception>
    public async Task<LheoImportResult> ImportAsync(Stream input, CancellationToken ct = default)
    {
        var matcher = (await rules.GetAsync(ct)).Compile();
        var formations = new List<NationalTraining>();
        try
        {
            using var reader = XmlReader.Create(input, SafeSettings);
            await reader.MoveToContentAsync();
            if (reader.LocalName != "lheo" || !Namespaces.Contains(reader.NamespaceURI))
                throw new CatalogueFileException("Ce fichier n'est pas un fichier LHEO (élément racine <lheo> attendu, espace de noms LHEO 2.2 ou 2.3).");
            while (await reader.ReadAsync())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "formation") continue;
                var element = (XElement)await XNode.ReadFromAsync(reader, ct);
                formations.Add(Read(element, matcher));
                if (formations.Count > 100_000) throw new CatalogueFileException("Le fichier LHEO dépasse 100 000 formations.");
            }
        }
        catch (XmlException ex)
        {
            throw new CatalogueFileException(ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "Le fichier LHEO contient une déclaration DTD (entités) : elle est refusée par sécurité."
                : $"Le fichier LHEO est invalide (ligne {ex.LineNumber}) : {ex.Message}", ex);
        }
        if (formations.Count == 0) throw new CatalogueFileException("Le fichier LHEO ne contient aucune formation.");

        int added = 0, changed = 0;
        await database.InTransactionAsync(async () =>
        {
            foreach (var chunk in formations.Chunk(500))
            {
                var ids = chunk.Select(f => f.NumeroFormation).ToList();
                var existing = await db.Trainings.Where(t => ids.Contains(t.NumeroFormation)).ToDictionaryAsync(t => t.NumeroFormation, ct);
                foreach (var formation in chunk)
                {
                    if (!existing.TryGetValue(formation.NumeroFormation, out var current)) { db.Trainings.Add(formation); added++; continue; }
                    if (current.ContentHash == formation.ContentHash && !current.Withdrawn && current.Relevant == formation.Relevant) continue;
                    db.Entry(current).CurrentValues.SetValues(formation);
                    changed++;
                }
                await db.SaveChangesAsync(ct);
            }
            if (added + changed > 0) await events.CatalogueChangedAsync(ct);
        }, ct);
        return new LheoImportResult(formations.Count, added, changed, formations.Count(f => f.Relevant), []);
    }

    private static NationalTraining Read(XElement formation, RelevanceRules.Matcher matcher)
    {
        IEnumerable<XElement> Descendants(XElement scope, string name) => scope.Descendants().Where(e => e.Name.LocalName == name);
        string? First(XElement scope, string name) => Descendants(scope, name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0 && v != "-");
        string? Child(XElement scope, string name) => scope.Elements().Where(e => e.Name.LocalName == name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0 && v != "-");

        var numero = (string?)formation.Attribute("numero") ?? throw new CatalogueFileException("Une formation LHEO n'a pas d'attribut numero.");
        var title = Child(formation, "intitule-formation") ?? throw new CatalogueFileException($"La formation LHEO {numero} n'a pas d'intitulé.");
        var domain = formation.Elements().FirstOrDefault(e => e.Name.LocalName == "domaine-formation");
        var certification = formation.Elements().FirstOrDefault(e => e.Name.LocalName == "certification");
        var responsible = formation.Elements().FirstOrDefault(e => e.Name.LocalName == "organisme-formation-responsable");
        var actions = formation.Elements().Where(e => e.Name.LocalName == "action").ToList();

        var departements = actions.SelectMany(a => Descendants(a, "lieu-de-formation")).SelectMany(l => Descendants(l, "departement"))
            .Select(d => RowValues.Departement(d.Value)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var hours = actions.Select(a => First(a, "nombre-heures-total")).Select(Number).OfType<decimal>().ToList();
        var prices = actions.Select(a => First(a, "prix-total-TTC")).Select(Number).OfType<decimal>().ToList();
        var distance = actions.Any(a => Child(a, "modalites-enseignement") == "2") || departements.Count == 0;
        var formacodes = domain is null ? null : string.Join(' ', Descendants(domain, "code-FORMACODE").Select(e => e.Value.Trim()).Where(v => v.Length == 5).Distinct());
        var nsf = domain is null ? null : string.Join(' ', Descendants(domain, "code-NSF").Select(e => e.Value.Trim()).Where(v => v.Length >= 3).Distinct());
        var rncp = certification is null ? null : RowValues.Code(First(certification, "code-RNCP"));
        var rs = certification is null ? null : RowValues.Code(First(certification, "code-RS"));
        var cpf = formation.Descendants().Any(e => e.Name.LocalName == "extras" && (string?)e.Attribute("info") == "eligibilite-cpf");

        var training = new NationalTraining
        {
            NumeroFormation = "lheo-" + numero,
            Source = Source,
            Title = Cut(title, 500),
            OrganisationName = responsible is null ? null : Child(responsible, "raison-sociale") ?? Child(responsible, "nom-organisme"),
            Siret = responsible is null ? null : RowValues.Siret(First(responsible, "SIRET")),
            CertificationType = rncp is not null ? "RNCP" : rs is not null ? "RS" : null,
            CodeRncp = rncp,
            CodeRs = rs,
            CodeCertifinfo = certification is null ? null : First(certification, "code-CERTIFINFO"),
            Formacodes = string.IsNullOrEmpty(formacodes) ? null : formacodes,
            NsfCodes = string.IsNullOrEmpty(nsf) ? null : nsf,
            RomeCodes = domain is null ? null : string.Join(' ', Descendants(domain, "code-ROME").Select(e => e.Value.Trim())) is { Length: > 0 } rome ? rome : null,
            ObjectivesHtml = TrainingHtml.Clean(Child(formation, "objectif-formation")),
            ContentHtml = TrainingHtml.Clean(Child(formation, "contenu-formation")),
            ResultsHtml = TrainingHtml.Clean(Child(formation, "resultats-attendus")),
            Departements = departements.Count == 0 ? null : string.Join(';', departements.Select(d => d + "|" + Territories.Departements.GetValueOrDefault(d, d))),
            DistanceLearning = distance,
            HoursMin = hours.Count == 0 ? null : (int)hours.Min(),
            HoursMax = hours.Count == 0 ? null : (int)hours.Max(),
            PriceMinCents = prices.Count == 0 ? null : (long)(prices.Min() * 100),
            PriceMaxCents = prices.Count == 0 ? null : (long)(prices.Max() * 100),
            Actions = actions.Count,
            ActiveSessions = actions.Sum(a => a.Elements().Count(e => e.Name.LocalName == "session")),
            DataDate = (string?)formation.Attribute("datemaj"),
            CpfEligible = cpf,
            HasDetails = true,
            TextHash = "",
            ContentHash = "",
        };
        training.Relevant = matcher.IsRelevant(training.CodeRncp, training.CodeRs, training.Formacodes, training.NsfCodes, training.Title, null);
        var hash = CatalogueSync.FormatHash(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(formation.ToString(SaveOptions.DisableFormatting))));
        training.TextHash = hash;
        training.ContentHash = hash;
        return training;
    }

    private static decimal? Number(string? text) =>
        text is not null && decimal.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : null;

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
