using Formation.Search.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace Formation.Search.Querying;

/// <summary>
/// Marks the searched words in a hit's title and summary (Lucene highlighter over the stemmed text, so "violences"
/// marks "violence"); everything else is HTML-escaped. When the summary has no match, a matching passage of the
/// description stands in for it.
/// </summary>
public sealed class HitHighlighter
{
    private const int PassageLength = 220;
    private readonly WeightedTerm[] _terms;

    /// <param name="tolerant">The search ran <see cref="TextQuery.Tolerant"/>: words found through a close spelling are marked too.</param>
    public HitHighlighter(TextQuery query, IndexReader reader, bool tolerant)
    {
        var stems = new HashSet<string>(query.Stems);
        // Expand each fuzzy part against the index to know the words it found.
        foreach (var fuzzy in tolerant ? query.Fuzzy : [])
        {
            var found = new HashSet<Term>();
            fuzzy.Rewrite(reader).ExtractTerms(found);
            foreach (var term in found)
                if (FrenchText.Stem(term.Text) is { } stem) stems.Add(stem);
        }
        _terms = stems.Select(s => new WeightedTerm(1f, s)).ToArray();
    }

    public SearchHighlights For(string title, string summary, string description) => new(
        Mark(title, new NullFragmenter()) ?? Escape(title),
        Mark(summary, new NullFragmenter()) ?? (Mark(description, new SimpleFragmenter(PassageLength)) is { } passage ? $"… {passage} …" : Escape(summary)));

    private string? Mark(string text, IFragmenter fragmenter)
    {
        if (_terms.Length == 0 || string.IsNullOrEmpty(text)) return null;
        var highlighter = new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), TextEncoder.Instance, new QueryTermScorer(_terms))
        {
            TextFragmenter = fragmenter,
        };
        return highlighter.GetBestFragment(FrenchText.Stemmed, "", text);
    }

    /// <summary>Escapes what HTML text content needs (&amp;, &lt;, &gt;, "), leaving accents readable in JSON.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private sealed class TextEncoder : IEncoder
    {
        public static readonly TextEncoder Instance = new();
        public string EncodeText(string originalText) => Escape(originalText);
    }
}
