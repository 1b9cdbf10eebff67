using Formation.Shell.Data;
using Formation.Shell.Validation;
using Microsoft.Extensions.Logging;

namespace Formation.Search.Analysis;

/// <summary>One line of the synonyms file: when a query contains one of <see cref="Inputs"/> (as stems), it is searched as any of <see cref="Outputs"/>.</summary>
public sealed record SynonymRule(IReadOnlyList<string[]> Inputs, IReadOnlyList<IReadOnlyList<AnalyzedTerm>> Outputs);

/// <summary>
/// The ASE synonyms, parsed from the Solr synonyms format: "a, b, c" (equivalent) and "a, b => c" (replaced).
/// Applied to queries only: a multi-word synonym becomes a phrase, so "MNA" finds "mineurs non accompagnés"
/// without matching every text that merely contains "non".
/// </summary>
public sealed class SynonymSet
{
    public const string Field = "Texte";
    private const int MaxLength = 200_000;
    private readonly Dictionary<string, List<(string[] Input, SynonymRule Rule)>> _byFirstStem = new();

    public static readonly SynonymSet Empty = new([]);

    private SynonymSet(IReadOnlyList<SynonymRule> rules)
    {
        Rules = rules;
        foreach (var rule in rules)
            foreach (var input in rule.Inputs)
            {
                if (!_byFirstStem.TryGetValue(input[0], out var list)) _byFirstStem[input[0]] = list = [];
                list.Add((input, rule));
            }
    }

    public IReadOnlyList<SynonymRule> Rules { get; }

    /// <summary>Parses the file; every faulty line is reported (French, with its number).</summary>
    public static SynonymSet Parse(string text)
    {
        if (text.Length > MaxLength) throw new ValidationFailedException(Field, $"Le fichier de synonymes dépasse {MaxLength / 1000}000 caractères.");
        var errors = new ValidationErrors();
        var rules = new List<SynonymRule>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var number = i + 1;
            var sides = line.Split("=>");
            if (sides.Length > 2) { errors.Add(Field, $"Ligne {number} : « => » ne peut apparaître qu'une fois."); continue; }
            var left = Entries(sides[0]);
            var right = sides.Length == 2 ? Entries(sides[1]) : left;
            if (sides.Length == 2 && (left.Count == 0 || right.Count == 0))
            {
                errors.Add(Field, $"Ligne {number} : il faut au moins une expression de chaque côté de « => ».");
                continue;
            }
            if (sides.Length == 1 && left.Count < 2)
            {
                errors.Add(Field, $"Ligne {number} : séparez au moins deux expressions équivalentes par des virgules.");
                continue;
            }
            var analysed = left.Concat(right).Distinct().ToDictionary(e => e, e => FrenchText.Analyze(FrenchText.Stemmed, e));
            var empty = analysed.Where(e => e.Value.Count == 0).Select(e => e.Key).ToList();
            if (empty.Count > 0)
            {
                errors.Add(Field, $"Ligne {number} : « {string.Join(" », « ", empty)} » ne contient que des mots trop courants pour être cherchés.");
                continue;
            }
            rules.Add(new SynonymRule(
                left.Select(e => analysed[e].Select(t => t.Term).ToArray()).ToList(),
                right.Select(e => analysed[e]).ToList()));
        }
        errors.ThrowIfAny();
        return new SynonymSet(rules);
    }

    private static List<string> Entries(string side) =>
        side.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The longest rule input found at <paramref name="start"/> in the query's stems: its length and what to search instead.</summary>
    public (int Length, IReadOnlyList<IReadOnlyList<AnalyzedTerm>> Outputs)? Match(IReadOnlyList<string> stems, int start)
    {
        if (!_byFirstStem.TryGetValue(stems[start], out var candidates)) return null;
        var matching = candidates.Where(c => c.Input.Length <= stems.Count - start && c.Input.Select((s, i) => stems[start + i] == s).All(x => x)).ToList();
        if (matching.Count == 0) return null;
        var length = matching.Max(c => c.Input.Length);
        var outputs = matching.Where(c => c.Input.Length == length).SelectMany(c => c.Rule.Outputs)
            .DistinctBy(o => string.Join(' ', o.Select(t => $"{t.Position}:{t.Term}"))).ToList();
        return (length, outputs);
    }
}

/// <summary>
/// The synonyms file, <c>{App:DataPath}/search/synonymes.txt</c>: seeded from the module's default on first start,
/// edited by platform admins (or by hand: a changed file is reloaded on the next search; a faulty one is ignored and logged).
/// </summary>
public sealed class SynonymStore
{
    private readonly ILogger<SynonymStore> _logger;
    private readonly Lock _lock = new();
    private volatile SynonymSet _current = SynonymSet.Empty;
    private DateTime _loadedStamp;

    public SynonymStore(AppPaths paths, ILogger<SynonymStore> logger)
    {
        _logger = logger;
        FilePath = Path.Combine(paths.Folder("search"), "synonymes.txt");
        if (!File.Exists(FilePath)) File.WriteAllText(FilePath, DefaultText());
        ReloadIfChanged();
    }

    public string FilePath { get; }

    public SynonymSet Current
    {
        get { ReloadIfChanged(); return _current; }
    }

    public string ReadText() => File.ReadAllText(FilePath);

    /// <summary>Validates, then writes the file and applies it at once.</summary>
    public void Save(string text)
    {
        var set = SynonymSet.Parse(text);
        lock (_lock)
        {
            var temporary = FilePath + ".tmp";
            File.WriteAllText(temporary, text.Replace("\r\n", "\n"));
            File.Move(temporary, FilePath, overwrite: true);
            _current = set;
            _loadedStamp = File.GetLastWriteTimeUtc(FilePath);
        }
    }

    public static string DefaultText()
    {
        using var stream = typeof(SynonymStore).Assembly.GetManifestResourceStream("Formation.Search.synonymes.txt")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private void ReloadIfChanged()
    {
        var stamp = File.Exists(FilePath) ? File.GetLastWriteTimeUtc(FilePath) : default;
        if (stamp == _loadedStamp) return;
        lock (_lock)
        {
            if (stamp == _loadedStamp) return;
            try { _current = stamp == default ? SynonymSet.Empty : SynonymSet.Parse(File.ReadAllText(FilePath)); }
            catch (ValidationFailedException ex) { _logger.LogWarning("Synonymes ignorés, le fichier {Path} est invalide : {Errors}", FilePath, ex.Message); }
            _loadedStamp = stamp;
        }
    }
}
