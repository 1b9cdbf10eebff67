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
    // French text, stemmed; the first three are stored for display and highlights.
    public const string Title = "title";
    public const string Summary = "summary";
    public const string Description = "description";
    public const string Objectives = "objectives";
    public const string Outline = "outline";
    public const string Themes = "themes";
    public const string Professions = "professions";
    public const string Publisher = "publisher";
    /// <summary>All the text again, unstemmed, for typo-tolerant matching.</summary>
    public const string Plain = "plain";
    // Numeric doc values for sorting.
    public const string Published = "published";
    public const string DurationMinutes = "duration";
    public const string IndividualPrice = "price";

    /// <summary>Text fields searched, with their weight: the title counts most.</summary>
    public static readonly IReadOnlyList<(string Field, float Boost)> SearchedFields =
    [
        (Title, 3f), (Themes, 2f), (Summary, 2f), (Professions, 1.5f), (Objectives, 1.2f), (Description, 1f), (Outline, 1f), (Publisher, 1f),
    ];

    public static Term IdTerm(Guid id) => new(Id, id.ToString("D"));

    public static Document From(PublishedModule module)
    {
        var description = PlainText(module.DescriptionHtml);
        var themes = string.Join(". ", module.Themes.Select(SearchFacets.Theme.LabelOf));
        var professions = string.Join(". ", module.Professions.Select(SearchFacets.Profession.LabelOf));
        var objectives = string.Join("\n", module.Objectives);
        var outline = string.Join("\n", module.Outline);

        var document = new Document
        {
            new StringField(Id, module.Id.ToString("D"), Field.Store.YES),
            new StringField(Owner, module.OwnerTenantId, Field.Store.YES),
            new StoredField(Slug, module.Slug),
            new TextField(Title, module.Title, Field.Store.YES),
            new TextField(Summary, module.Summary, Field.Store.YES),
            new TextField(Description, description, Field.Store.YES),
            new TextField(Objectives, objectives, Field.Store.NO),
            new TextField(Outline, outline, Field.Store.NO),
            new TextField(Themes, themes, Field.Store.NO),
            new TextField(Professions, professions, Field.Store.NO),
            new TextField(Publisher, module.PublisherName, Field.Store.YES),
            new TextField(Plain, string.Join("\n", module.Title, module.Summary, description, objectives, outline, themes, professions, module.PublisherName), Field.Store.NO),
            new NumericDocValuesField(Published, module.PublishedUtc.UtcTicks),
            new NumericDocValuesField(DurationMinutes, (long)Math.Round(module.DurationHours * 60)),
            new NumericDocValuesField(IndividualPrice, module.Prices.IndividualCents),
        };
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
