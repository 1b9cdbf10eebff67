using System.Globalization;
using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Formation.Learning.Packages;

/// <summary>A package refused on import; <see cref="Exception.Message"/> is French and says what is wrong.</summary>
public sealed class PackageRejectedException(string message) : Exception(message);

/// <summary>Limits applied to every uploaded package (configurable under <c>Learning:Packages</c>).</summary>
public sealed record PackageLimits
{
    public long MaxUploadBytes { get; init; } = 200L * 1024 * 1024;
    public long MaxExtractedBytes { get; init; } = 500L * 1024 * 1024;
    public int MaxFiles { get; init; } = 5_000;
    /// <summary>Refuses an entry (or the whole archive) that expands more than this many times (zip bombs).</summary>
    public int MaxCompressionRatio { get; init; } = 100;
    public int MaxXmlBytes { get; init; } = 5 * 1024 * 1024;
    public int MaxAus { get; init; } = 5_000;
}

/// <summary>Reads cmi5.xml and tincan.xml without DTDs, external entities or resolvers, within size limits.</summary>
public static class CourseStructureReader
{
    public const string Cmi5Namespace = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
    private static readonly XNamespace Ns = Cmi5Namespace;
    private static readonly Lazy<XmlSchemaSet> Schema = new(LoadSchema);

    private static XmlSchemaSet LoadSchema()
    {
        using var stream = typeof(CourseStructureReader).Assembly.GetManifestResourceStream("Formation.Learning.CourseStructure.xsd")
            ?? throw new InvalidOperationException("CourseStructure.xsd resource missing");
        var set = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        set.Add(Cmi5Namespace, reader);
        set.Compile();
        return set;
    }

    private static XmlReaderSettings SafeSettings(int maxBytes) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = maxBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Parses and validates a cmi5 course structure against CourseStructure.xsd.</summary>
    public static CourseStructure ReadCmi5(Stream xml, PackageLimits limits)
    {
        var settings = SafeSettings(limits.MaxXmlBytes);
        settings.ValidationType = ValidationType.Schema;
        settings.Schemas = Schema.Value;
        settings.ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings;
        var errors = new List<string>();
        settings.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error && errors.Count < 5)
                errors.Add($"ligne {e.Exception.LineNumber}, colonne {e.Exception.LinePosition} : {e.Message}");
        };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(xml, settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageRejectedException("Le fichier cmi5.xml contient une déclaration DOCTYPE (DTD ou entités) : elle est interdite pour des raisons de sécurité. Retirez-la.");
        }
        catch (XmlException ex) when (ex.Message.Contains("exceed", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("MaxCharacters", StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageRejectedException($"Le fichier cmi5.xml dépasse la taille autorisée ({limits.MaxXmlBytes / 1024 / 1024} Mo).");
        }
        catch (XmlException ex)
        {
            throw new PackageRejectedException($"Le fichier cmi5.xml n'est pas un XML bien formé (ligne {ex.LineNumber}, colonne {ex.LinePosition}) : {ex.Message}");
        }
        var root = document.Root!;
        if (root.Name != Ns + "courseStructure")
            throw new PackageRejectedException($"Le fichier cmi5.xml doit avoir pour racine <courseStructure> dans l'espace de noms {Cmi5Namespace} (trouvé : <{root.Name.LocalName}>{(root.Name.NamespaceName.Length > 0 ? " dans " + root.Name.NamespaceName : " sans espace de noms")}).");
        if (errors.Count > 0)
            throw new PackageRejectedException("Le fichier cmi5.xml ne respecte pas le schéma cmi5 (CourseStructure.xsd) : " + string.Join(" ; ", errors));

        var course = root.Element(Ns + "course")!;
        var children = ReadChildren(root, limits, new AuCounter());
        var ids = new HashSet<string>(StringComparer.Ordinal) { Trim(course.Attribute("id")!.Value) };
        var objectives = new HashSet<string>(StringComparer.Ordinal);
        foreach (var objective in root.Element(Ns + "objectives")?.Elements(Ns + "objective") ?? [])
            if (!objectives.Add(objective.Attribute("id")!.Value.Trim()))
                throw new PackageRejectedException($"L'objectif « {objective.Attribute("id")!.Value.Trim()} » est déclaré deux fois dans cmi5.xml.");
        foreach (var child in Flatten(children))
            if (!ids.Add(child.Id)) throw new PackageRejectedException($"L'identifiant « {child.Id} » est utilisé deux fois dans cmi5.xml : le cours, chaque bloc et chaque AU ont un identifiant unique.");
        return new CourseStructure(Trim(course.Attribute("id")!.Value), Text(course.Element(Ns + "title")) ?? "Cours", Text(course.Element(Ns + "description")), children);
    }

    private sealed class AuCounter { public int Count; }

    private static IEnumerable<CourseChild> Flatten(IEnumerable<CourseChild> children)
    {
        foreach (var c in children)
        {
            yield return c;
            if (c.Block is { } b) foreach (var inner in Flatten(b.Children)) yield return inner;
        }
    }

    private static List<CourseChild> ReadChildren(XElement parent, PackageLimits limits, AuCounter counter)
    {
        var list = new List<CourseChild>();
        foreach (var element in parent.Elements())
        {
            if (element.Name == Ns + "au")
            {
                if (++counter.Count > limits.MaxAus) throw new PackageRejectedException($"Le cours compte plus de {limits.MaxAus} AU.");
                var mastery = element.Attribute("masteryScore")?.Value;
                list.Add(new CourseChild(new AuNode(
                    Trim(element.Attribute("id")!.Value),
                    Text(element.Element(Ns + "title")) ?? "Activité",
                    Text(element.Element(Ns + "description")),
                    Trim(element.Element(Ns + "url")!.Value),
                    Trim(element.Attribute("moveOn")?.Value ?? MoveOn.NotApplicable),
                    mastery is null ? null : decimal.Parse(Trim(mastery), CultureInfo.InvariantCulture),
                    Trim(element.Attribute("launchMethod")?.Value ?? "AnyWindow"),
                    element.Element(Ns + "launchParameters")?.Value.Trim(),
                    element.Element(Ns + "entitlementKey")?.Value.Trim(),
                    element.Attribute("activityType")?.Value.Trim()), null));
            }
            else if (element.Name == Ns + "block")
            {
                list.Add(new CourseChild(null, new BlockNode(
                    Trim(element.Attribute("id")!.Value),
                    Text(element.Element(Ns + "title")) ?? "Bloc",
                    Text(element.Element(Ns + "description")),
                    ReadChildren(element, limits, counter))));
            }
        }
        return list;
    }

    private static string Trim(string value) => value.Trim();

    /// <summary>The French langstring when there is one, else the first.</summary>
    private static string? Text(XElement? element)
    {
        if (element is null) return null;
        var strings = element.Elements().Where(e => e.Name.LocalName == "langstring").ToList();
        var chosen = strings.FirstOrDefault(s => (s.Attribute("lang")?.Value ?? "").StartsWith("fr", StringComparison.OrdinalIgnoreCase)) ?? strings.FirstOrDefault();
        var text = chosen?.Value.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>Reads tincan.xml: the course activity and one AU per launchable activity (moveOn CompletedOrPassed).</summary>
    public static CourseStructure ReadTinCan(Stream xml, PackageLimits limits)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(xml, SafeSettings(limits.MaxXmlBytes));
            document = XDocument.Load(reader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageRejectedException("Le fichier tincan.xml contient une déclaration DOCTYPE (DTD ou entités) : elle est interdite pour des raisons de sécurité. Retirez-la.");
        }
        catch (XmlException ex)
        {
            throw new PackageRejectedException($"Le fichier tincan.xml n'est pas un XML bien formé (ligne {ex.LineNumber}, colonne {ex.LinePosition}) : {ex.Message}");
        }
        var activities = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "activities")?.Elements().Where(e => e.Name.LocalName == "activity").ToList() ?? [];
        if (document.Root?.Name.LocalName != "tincan" || activities.Count == 0)
            throw new PackageRejectedException("Le fichier tincan.xml doit avoir pour racine <tincan> et décrire au moins une activité dans <activities>.");
        string? Child(XElement e, string name) => e.Elements().FirstOrDefault(x => x.Name.LocalName == name)?.Value.Trim() is { Length: > 0 } v ? v : null;
        var course = activities.FirstOrDefault(a => a.Attribute("type")?.Value.EndsWith("/course", StringComparison.Ordinal) == true) ?? activities[0];
        var courseId = course.Attribute("id")?.Value.Trim();
        if (string.IsNullOrEmpty(courseId) || !Uri.TryCreate(courseId, UriKind.Absolute, out _))
            throw new PackageRejectedException("L'activité principale de tincan.xml doit avoir un identifiant (attribut id) qui est une IRI absolue.");
        var aus = new List<CourseChild>();
        foreach (var activity in activities)
        {
            var launch = Child(activity, "launch");
            var id = activity.Attribute("id")?.Value.Trim();
            if (launch is null || string.IsNullOrEmpty(id)) continue;
            if (!Uri.TryCreate(id, UriKind.Absolute, out _)) throw new PackageRejectedException($"L'identifiant d'activité « {id} » de tincan.xml n'est pas une IRI absolue.");
            aus.Add(new CourseChild(new AuNode(id, Child(activity, "name") ?? "Activité", Child(activity, "description"), launch, MoveOn.CompletedOrPassed, null, "AnyWindow", null, null, activity.Attribute("type")?.Value), null));
        }
        if (aus.Count == 0) throw new PackageRejectedException("Aucune activité de tincan.xml n'a d'adresse de lancement (<launch>).");
        if (aus.Count > limits.MaxAus) throw new PackageRejectedException($"Le paquet compte plus de {limits.MaxAus} activités.");
        return new CourseStructure(courseId, Child(course, "name") ?? "Cours", Child(course, "description"), aus);
    }
}

/// <summary>
/// Extracts an uploaded zip (32-bit or zip64) without trusting it: no absolute paths, no "..", no links, a bounded
/// file count, and bytes counted as they are written (headers may lie) against a total size and a compression ratio.
/// </summary>
public static class SafeZip
{
    /// <summary>The normalised relative path of an entry, or a French refusal.</summary>
    public static string EntryPath(string fullName)
    {
        var name = fullName.Replace('\\', '/');
        if (name.Length == 0 || name.Length > 400) throw new PackageRejectedException($"Le nom de fichier « {Shorten(fullName)} » du paquet est vide ou trop long.");
        if (name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
            throw new PackageRejectedException($"Le paquet contient un chemin absolu (« {Shorten(fullName)} ») : refusé pour des raisons de sécurité.");
        if (name.Any(char.IsControl)) throw new PackageRejectedException($"Le nom de fichier « {Shorten(fullName)} » contient des caractères de contrôle.");
        var segments = name.Split('/');
        if (segments.Any(s => s is ".." or "."))
            throw new PackageRejectedException($"Le paquet contient un chemin qui sort de son dossier (« {Shorten(fullName)} ») : refusé pour des raisons de sécurité.");
        return name;
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>Checks every entry (names, count, declared sizes) before anything is written.</summary>
    public static void Inspect(ZipArchive archive, PackageLimits limits)
    {
        if (archive.Entries.Count > limits.MaxFiles)
            throw new PackageRejectedException($"Le paquet contient {archive.Entries.Count} fichiers : le maximum est {limits.MaxFiles}.");
        long declared = 0;
        foreach (var entry in archive.Entries)
        {
            EntryPath(entry.FullName);
            // Unix symbolic links (mode 0120000 in the upper bits of the external attributes) are refused.
            if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                throw new PackageRejectedException($"Le paquet contient un lien symbolique (« {Shorten(entry.FullName)} ») : refusé.");
            declared += entry.Length;
            if (declared > limits.MaxExtractedBytes)
                throw new PackageRejectedException($"Le paquet décompressé dépasserait {limits.MaxExtractedBytes / 1024 / 1024} Mo.");
            if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
                throw new PackageRejectedException($"Le fichier « {Shorten(entry.FullName)} » est compressé plus de {limits.MaxCompressionRatio} fois : paquet refusé (bombe de décompression possible).");
        }
    }

    /// <summary>Extracts into <paramref name="target"/> (created, must be empty); returns the file count and bytes written.</summary>
    public static (int Files, long Bytes) Extract(ZipArchive archive, string target, PackageLimits limits, long archiveBytes)
    {
        Inspect(archive, limits);
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        long total = 0;
        var files = 0;
        var buffer = new byte[81920];
        foreach (var entry in archive.Entries)
        {
            var relative = EntryPath(entry.FullName);
            var destination = Path.GetFullPath(Path.Combine(root, relative));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
                throw new PackageRejectedException($"Le paquet contient un chemin qui sort de son dossier (« {Shorten(entry.FullName)} »).");
            if (relative.EndsWith('/')) { Directory.CreateDirectory(destination); continue; }
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            long written = 0;
            using (var input = entry.Open())
            using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write))
            {
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    written += read;
                    total += read;
                    if (total > limits.MaxExtractedBytes)
                        throw new PackageRejectedException($"Le paquet décompressé dépasse {limits.MaxExtractedBytes / 1024 / 1024} Mo.");
                    if (written > 1024 * 1024 && written > Math.Max(entry.CompressedLength, 1) * limits.MaxCompressionRatio)
                        throw new PackageRejectedException($"Le fichier « {Shorten(entry.FullName)} » est compressé plus de {limits.MaxCompressionRatio} fois : paquet refusé (bombe de décompression possible).");
                    output.Write(buffer, 0, read);
                }
            }
            files++;
        }
        if (total > 10L * 1024 * 1024 && total > Math.Max(archiveBytes, 1) * limits.MaxCompressionRatio)
            throw new PackageRejectedException($"Le paquet est compressé plus de {limits.MaxCompressionRatio} fois : refusé (bombe de décompression possible).");
        return (files, total);
    }
}
