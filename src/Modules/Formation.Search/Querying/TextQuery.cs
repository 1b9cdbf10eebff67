using Formation.Search.Analysis;
using Formation.Search.Indexing;
using Formation.Shell.Validation;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Formation.Search.Querying;

/// <summary>
/// What a person typed, as a Lucene query, without Lucene's query syntax: words and "quoted phrases" only, so no input
/// can raise a parser error (an unclosed quote or an overlong text is refused with a French message instead).
/// Every word or phrase must match (AND). A word matches through its stem in any text field (DisMax, the title weighs
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
    private const float FieldTieBreaker = 0.1f;

    private TextQuery(Query query, Query? tolerant, IReadOnlySet<string> stems, IReadOnlyList<FuzzyQuery> fuzzy)
    {
        Query = query;
        Tolerant = tolerant;
        Stems = stems;
        Fuzzy = fuzzy;
    }

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
                    clauses.Add(AnyOf(whole.Outputs.Prepend(phrase)));
                    tolerantClauses.Add(clauses[^1]);
                    stems.UnionWith(whole.Outputs.SelectMany(o => o.Select(t => t.Term)));
                }
                else clauses.Add(AcrossFields(phrase));
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
                    clauses.Add(AnyOf(synonym.Outputs));
                    tolerantClauses.Add(clauses[^1]);
                    stems.UnionWith(synonym.Outputs.SelectMany(o => o.Select(t => t.Term)));
                    w += synonym.Length;
                    continue;
                }
                var (plain, stem) = words[w++];
                stems.Add(stem!);
                var exact = AcrossFields([new AnalyzedTerm(stem!, 0)]);
                clauses.Add(exact);
                if (plain.Count(char.IsLetter) < FuzzyMinLength) { tolerantClauses.Add(exact); continue; }
                var close = new FuzzyQuery(new Term(ModuleDocument.Plain, plain), plain.Length >= 8 ? 2 : 1, prefixLength: 1) { Boost = FuzzyBoost };
                fuzzy.Add(close);
                tolerantClauses.Add(new BooleanQuery(disableCoord: true) { { exact, Occur.SHOULD }, { close, Occur.SHOULD } });
            }
        }
        if (clauses.Count > MaxClauses)
            throw new ValidationFailedException("q", $"La recherche contient trop de mots : {MaxClauses} au plus.");
        if (clauses.Count == 0) return new TextQuery(new MatchAllDocsQuery(), null, stems, fuzzy);
        return new TextQuery(AllOf(clauses), fuzzy.Count == 0 ? null : AllOf(tolerantClauses), stems, fuzzy);
    }

    private static Query AllOf(IReadOnlyList<Query> clauses)
    {
        if (clauses.Count == 1) return clauses[0];
        var all = new BooleanQuery();
        foreach (var clause in clauses) all.Add(clause, Occur.MUST);
        return all;
    }

    private static BooleanQuery AnyOf(IEnumerable<IReadOnlyList<AnalyzedTerm>> phrases)
    {
        var any = new BooleanQuery(disableCoord: true);
        foreach (var phrase in phrases) any.Add(AcrossFields(phrase), Occur.SHOULD);
        return any;
    }

    /// <summary>A term or a phrase searched in every text field, the best field counting (plus a little of the others).</summary>
    private static Query AcrossFields(IReadOnlyList<AnalyzedTerm> terms)
    {
        var best = new DisjunctionMaxQuery(FieldTieBreaker);
        foreach (var (field, boost) in ModuleDocument.SearchedFields)
        {
            Query query;
            if (terms.Count == 1) query = new TermQuery(new Term(field, terms[0].Term));
            else
            {
                var phrase = new PhraseQuery();
                foreach (var term in terms) phrase.Add(new Term(field, term.Term), term.Position - terms[0].Position);
                query = phrase;
            }
            query.Boost = boost;
            best.Add(query);
        }
        return best;
    }
}
