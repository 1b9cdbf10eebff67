using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Shingle;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Formation.Search.Analysis;

/// <summary>A term produced by an analyzer, with its position (stop words leave gaps, so phrases stay exact).</summary>
public readonly record struct AnalyzedTerm(string Term, int Position);

/// <summary>
/// French text analysis, the same for indexing and querying: elision (l', d', qu'…), lowercase and accent folding
/// (<see cref="Plain"/>), then French stop words and light stemming (<see cref="Stemmed"/>), so that "éducatrice",
/// "educateurs" and "éducateur" meet on one term, and "violences" on "violence".
/// </summary>
public static class FrenchText
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Stop words folded like the text they are compared with ("à" → "a").</summary>
    private static readonly CharArraySet StopWords = Folded(FrenchAnalyzer.DefaultStopSet);

    /// <summary>Words as written, without accents: what typo-tolerant (fuzzy) matching compares.</summary>
    public static readonly Analyzer Plain = new FieldAnalyzer(PlainFilters);

    /// <summary>Stems without stop words: what the text fields are indexed and searched with.</summary>
    public static readonly Analyzer Stemmed = new FieldAnalyzer(tokenizer => new FrenchLightStemFilter(new StopFilter(Version, PlainFilters(tokenizer), StopWords)));

    /// <summary>
    /// Pairs of consecutive stems ("information preocupant"), and only pairs: a phrase of two words is then one term to
    /// look up rather than two terms' positions to compare, several times faster on common words.
    /// </summary>
    public static readonly Analyzer Pairs = new FieldAnalyzer(tokenizer =>
    {
        var pairs = new ShingleFilter(new FrenchLightStemFilter(new StopFilter(Version, PlainFilters(tokenizer), StopWords)), 2, 2);
        pairs.SetOutputUnigrams(false);
        return pairs;
    });

    /// <summary>The term of <see cref="Pairs"/> for two consecutive stems.</summary>
    public static string Pair(string first, string second) => first + " " + second;

    /// <summary>
    /// An analyzer that keeps the values of a multi-valued field apart (a position gap), so that a phrase never runs
    /// from one value into the next: the title, the summary and the description are values of one searched field.
    /// </summary>
    private sealed class FieldAnalyzer(Func<Tokenizer, TokenStream> filters) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new StandardTokenizer(Version, reader);
            return new TokenStreamComponents(tokenizer, filters(tokenizer));
        }

        public override int GetPositionIncrementGap(string fieldName) => 100;
    }

    private static TokenStream PlainFilters(Tokenizer tokenizer) =>
        new ASCIIFoldingFilter(new LowerCaseFilter(Version, new ElidedOffsetFilter(new ElisionFilter(tokenizer, FrenchAnalyzer.DEFAULT_ARTICLES))));

    /// <summary>Moves a token's start past the article the elision removed, so that highlights mark "enfant" in "l'enfant".</summary>
    private sealed class ElidedOffsetFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;

        public ElidedOffsetFilter(TokenStream input) : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken()) return false;
            // Up to here the term is the original text, less the elided article.
            if (_offset.EndOffset - _offset.StartOffset > _term.Length) _offset.SetOffset(_offset.EndOffset - _term.Length, _offset.EndOffset);
            return true;
        }
    }

    public static IReadOnlyList<AnalyzedTerm> Analyze(Analyzer analyzer, string text)
    {
        var terms = new List<AnalyzedTerm>();
        using var stream = analyzer.GetTokenStream("", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            terms.Add(new AnalyzedTerm(term.ToString(), position));
        }
        stream.End();
        return terms;
    }

    /// <summary>The stem of one plain word, or null for a stop word.</summary>
    public static string? Stem(string plainWord) => Analyze(Stemmed, plainWord) is [var first, ..] ? first.Term : null;

    /// <summary>Lowercase, accents removed, spaces collapsed: the key under which searches are counted.</summary>
    public static string Normalise(string text)
    {
        var lower = text.Trim().ToLowerInvariant().ToCharArray();
        var folded = new char[lower.Length * 4];
        var length = ASCIIFoldingFilter.FoldToASCII(lower, 0, folded, 0, lower.Length);
        return string.Join(' ', new string(folded, 0, length).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static CharArraySet Folded(CharArraySet words)
    {
        var set = new CharArraySet(Version, words.Count, ignoreCase: true);
        foreach (var word in words) set.Add(Normalise(word));
        return set;
    }
}
