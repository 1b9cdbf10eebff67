using System.Net;
using System.Text.RegularExpressions;
using Formation.Catalog.Contracts;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Formation.Search.Indexing;

/// <summary>The index fields of a published module, and how a module becomes a Lucene document.</summary>
public static partial class ModuleDocument
{
    // Keywords (exact, stored).
    public const string Id = "id";
    public const string Owner = "owner";
    public const string Slug = "slug";
    /// <summary>Stored for display and highlights; indexed (stemmed) too, to rank the best matches by their title.</summary>
    public const string Title = "title";
    // Stored for display and highlights.
    public const string Summary = "summary";
    public const string Description = "description";
    /// <summary>
    /// Every text of the module (title, summary, description, objectives, outline, themes, professions, publisher),
    /// stemmed, one value per part, where words are searched. One field rather than one per part: a word's documents are
    /// read once, with no disjunction over eight fields (which cost several times a term's own reading). The parts
    /// that weigh more are added more than once (<see cref="Weights"/>): a word found in the title counts as found three
    /// times, and BM25 rewards it, with diminishing returns, as it did a title match.
    /// </summary>
    public const string Text = "text";
    /// <summary>The same parts as <see cref="Text"/>, as pairs of consecutive stems (<see cref="Analysis.FrenchText.Pairs"/>), for phrases.</summary>
    public const string Pairs = "pairs";
    /// <summary>All the text again, unstemmed and without positions, for typo-tolerant matching.</summary>
    public const string Plain = "plain";
    // Numeric doc values for sorting.
    public const string Published = "published";
    public const string DurationMinutes = "duration";
    public const string IndividualPrice = "price";

    /// <summary>A title match adds this many times its score when the best matches are ranked again.</summary>
    public const double TitleBoost = 3;

    /// <summary>How many times each part goes into <see cref="Text"/>: title 3, summary and themes 2, the rest once.</summary>
    public static readonly IReadOnlyList<int> Weights = [3, 2, 1, 1, 1, 2, 1, 1];

    private static readonly FieldType PlainType = new()
    {
        IsIndexed = true, IsTokenized = true, IsStored = false, IndexOptions = IndexOptions.DOCS_AND_FREQS,
    };

    public static Term IdTerm(Guid id) => new(Id, id.ToString("D"));

    public static Document From(PublishedModule module)
    {
        var description = PlainText(module.DescriptionHtml);
        var themes = string.Join(". ", module.Themes.Select(SearchFacets.Theme.LabelOf));
        var professions = string.Join(". ", module.Professions.Select(SearchFacets.Profession.LabelOf));
        var objectives = string.Join("\n", module.Objectives);
        var outline = string.Join("\n", module.Outline);
        string[] texts = [module.Title, module.Summary, description, objectives, outline, themes, professions, module.PublisherName];

        var document = new Document
        {
            new StringField(Id, module.Id.ToString("D"), Field.Store.YES),
            new StringField(Owner, module.OwnerTenantId, Field.Store.YES),
            new StoredField(Slug, module.Slug),
            new TextField(Title, module.Title, Field.Store.YES),
            new StoredField(Summary, module.Summary),
            new StoredField(Description, description),
            new Field(Plain, string.Join("\n", texts), PlainType),
            new NumericDocValuesField(Published, module.PublishedUtc.UtcTicks),
            new NumericDocValuesField(DurationMinutes, (long)Math.Round(module.DurationHours * 60)),
            new NumericDocValuesField(IndividualPrice, module.Prices.IndividualCents),
        };
        for (var part = 0; part < texts.Length; part++)
            for (var copy = 0; copy < Weights[part] && texts[part].Length > 0; copy++)
            {
                document.Add(new TextField(Text, texts[part], Field.Store.NO));
                document.Add(new TextField(Pairs, texts[part], Field.Store.NO));
            }
        foreach (var facet in SearchFacets.All)
            foreach (var value in facet.ValuesOf(module).Distinct())
            {
                document.Add(new StringField(facet.Name, value, Field.Store.NO)); // filters
                document.Add(new SortedSetDocValuesField(facet.Name, new BytesRef(value))); // counts
            }
        return document;
    }

    /// <summary>The words of sanitised HTML: tags become spaces, entities are decoded.</summary>
    public static string PlainText(string html) =>
        WhiteSpace().Replace(WebUtility.HtmlDecode(Tag().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
