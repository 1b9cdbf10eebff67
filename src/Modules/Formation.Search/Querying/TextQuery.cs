using Formation.Search.Analysis;
using Formation.Search.Indexing;
using Formation.Shell.Validation;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Formation.Search.Querying;

/// <summary>
/// What a person typed, as a Lucene query, without Lucene's query syntax: words and "quoted phrases" only, so no input
/// can raise a parser error (an unclosed quote or an overlong text is refused with a French message instead).
/// Every word or phrase must match (AND). A word matches through its stem in the module's text (the title weighs
/// most), or through an ASE synonym (a synonym of several words is a phrase). <see cref="Tolerant"/> also accepts, for
/// words from 5 letters, a spelling one or two edits away on the unstemmed text, weighted low so that exact matches
/// rank first: the search uses it when the exact words find few modules (typos), as expanding every long word into
/// its close spellings costs more than the exact search itself.
/// </summary>
public sealed class TextQuery
{
    public const int MaxLength = 200;
    public const int MaxClauses = 20;
    public const int FuzzyMinLength = 5;
    private const float FuzzyBoost = 0.2f;

    private TextQuery(Query query, Query? tolerant, Query titles, IReadOnlySet<string> stems, IReadOnlyList<FuzzyQuery> fuzzy)
    {
        Query = query;
        Titles = titles;
        Tolerant = tolerant;
        Stems = stems;
        Fuzzy = fuzzy;
    }

    /// <summary>Any of the words or phrases in the title: ranks the best matches again (<see cref="Indexing.SearchIndex.Pass"/>).</summary>
    public Query Titles { get; }
    /// <summary>The exact words (stems and synonyms).</summary>
    public Query Query { get; }
    /// <summary>The same, each word of 5 letters or more also matching close spellings; null when no word is that long.</summary>
    public Query? Tolerant { get; }
    /// <summary>No searchable word: every visible module matches.</summary>
    public bool IsEmpty => Query is MatchAllDocsQuery;
    /// <summary>Stems searched for, to highlight.</summary>
    public IReadOnlySet<string> Stems { get; }
    /// <summary>Typo-tolerant parts: expanded against the index to highlight the words they found.</summary>
    public IReadOnlyList<FuzzyQuery> Fuzzy { get; }

    public static TextQuery Parse(string? text, SynonymSet synonyms)
    {
        text = (text ?? "").Replace('«', '"').Replace('»', '"').Replace('“', '"').Replace('”', '"').Trim();
        if (text.Length > MaxLength)
            throw new ValidationFailedException("q", $"La recherche est trop longue : {MaxLength} caractères au plus.");
        if (text.Count(c => c == '"') % 2 == 1)
            throw new ValidationFailedException("q", "Un guillemet n'est pas refermé : encadrez l'expression exacte de deux guillemets, par exemple \"projet pour l'enfant\".");

        var clauses = new List<Query>();
        var tolerantClauses = new List<Query>();
        var titles = new BooleanQuery();
        var stems = new HashSet<string>();
        var fuzzy = new List<FuzzyQuery>();
        var parts = text.Split('"'); // odd parts were between quotes
        for (var i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 1)
            {
                var phrase = FrenchText.Analyze(FrenchText.Stemmed, parts[i]);
                if (phrase.Count == 0) continue;
                stems.UnionWith(phrase.Select(t => t.Term));
                // A quoted synonym ("projet pour l'enfant") still finds its equivalents (PPE), as a whole only.
                var phraseStems = phrase.Select(t => t.Term).ToList();
                if (synonyms.Match(phraseStems, 0) is { } whole && whole.Length == phrase.Count)
                {
                    clauses.Add(AnyOf(whole.Outputs.Prepend(phrase), titles));
                    tolerantClauses.Add(clauses[^1]);
                    stems.UnionWith(whole.Outputs.SelectMany(o => o.Select(t => t.Term)));
                }
                else clauses.Add(InText(phrase, titles));
                tolerantClauses.Add(clauses[^1]);
                continue;
            }
            var words = FrenchText.Analyze(FrenchText.Plain, parts[i])
                .Select(t => (Plain: t.Term, Stem: FrenchText.Stem(t.Term)))
                .Where(w => w.Stem is not null).ToList();
            var wordStems = words.Select(w => w.Stem!).ToList();
            for (var w = 0; w < words.Count;)
            {
                if (synonyms.Match(wordStems, w) is { } synonym)
                {
                    clauses.Add(AnyOf(synonym.Outputs, titles));
                    tolerantClauses.Add(clauses[^1]);
                    stems.UnionWith(synonym.Outputs.SelectMany(o => o.Select(t => t.Term)));
                    w += synonym.Length;
                    continue;
                }
                var (plain, stem) = words[w++];
                stems.Add(stem!);
                var exact = InText([new AnalyzedTerm(stem!, 0)], titles);
                clauses.Add(exact);
                if (plain.Count(char.IsLetter) < FuzzyMinLength) { tolerantClauses.Add(exact); continue; }
                var close = new FuzzyQuery(new Term(ModuleDocument.Plain, plain), plain.Length >= 8 ? 2 : 1, prefixLength: 1) { Boost = FuzzyBoost };
                fuzzy.Add(close);
                tolerantClauses.Add(new BooleanQuery(disableCoord: true) { { exact, Occur.SHOULD }, { close, Occur.SHOULD } });
            }
        }
        if (clauses.Count > MaxClauses)
            throw new ValidationFailedException("q", $"La recherche contient trop de mots : {MaxClauses} au plus.");
        if (clauses.Count == 0) return new TextQuery(new MatchAllDocsQuery(), null, titles, stems, fuzzy);
        return new TextQuery(AllOf(clauses), fuzzy.Count == 0 ? null : AllOf(tolerantClauses), titles, stems, fuzzy);
    }

    private static Query InTitle(IReadOnlyList<AnalyzedTerm> terms)
    {
        if (terms.Count == 1) return new TermQuery(new Term(ModuleDocument.Title, terms[0].Term));
        var phrase = new PhraseQuery();
        foreach (var term in terms) phrase.Add(new Term(ModuleDocument.Title, term.Term), term.Position - terms[0].Position);
        return phrase;
    }

    private static Query AllOf(IReadOnlyList<Query> clauses)
    {
        if (clauses.Count == 1) return clauses[0];
        var all = new BooleanQuery();
        foreach (var clause in clauses) all.Add(clause, Occur.MUST);
        return all;
    }

    private static BooleanQuery AnyOf(IEnumerable<IReadOnlyList<AnalyzedTerm>> phrases, BooleanQuery titles)
    {
        var any = new BooleanQuery(disableCoord: true);
        foreach (var phrase in phrases) any.Add(InText(phrase, titles), Occur.SHOULD);
        return any;
    }

    /// <summary>A term or a phrase in the module's text (<see cref="ModuleDocument.Text"/>: every part, the title weighing most).</summary>
    private static Query InText(IReadOnlyList<AnalyzedTerm> terms, BooleanQuery titles)
    {
        titles.Add(InTitle(terms), Occur.SHOULD);
        if (terms.Count == 1) return new TermQuery(new Term(ModuleDocument.Text, terms[0].Term));
        // Words side by side: their pairs (one term for two words), in a row.
        if (Enumerable.Range(1, terms.Count - 1).All(i => terms[i].Position == terms[i - 1].Position + 1))
        {
            if (terms.Count == 2) return new TermQuery(new Term(ModuleDocument.Pairs, FrenchText.Pair(terms[0].Term, terms[1].Term)));
            var pairs = new PhraseQuery();
            for (var i = 1; i < terms.Count; i++) pairs.Add(new Term(ModuleDocument.Pairs, FrenchText.Pair(terms[i - 1].Term, terms[i].Term)), i - 1);
            return pairs;
        }
        // A stop word between them ("projet pour l'enfant"): their positions.
        var phrase = new PhraseQuery();
        foreach (var term in terms) phrase.Add(new Term(ModuleDocument.Text, term.Term), term.Position - terms[0].Position);
        return phrase;
    }
}
