using Formation.Shell.Events;
using Formation.Shell.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Formation.Search.Indexing;

/// <summary>
/// Documents of other modules (<see cref="SearchableDocument"/>) in the modules' index: same text fields, so one query
/// ranks both; the theme, profession and origin facets; plus what only they have (kind, feature, sharing, time window,
/// address). Their visibility is a clause of <see cref="Querying.ModuleVisibility"/>.
/// </summary>
public static class DocumentFields
{
    /// <summary>"document" for these; absent on modules.</summary>
    public const string Kind = "kind";
    public const string DocumentKind = "document";
    public const string Feature = "feature";
    public const string Shared = "shared";
    public const string From = "from";
    public const string Until = "until";
    public const string Url = "url";

    public static Document ToDocument(SearchableDocument d)
    {
        string[] texts = [d.Title, d.Summary, d.Body,
            string.Join(". ", d.Themes.Select(SearchFacets.Theme.LabelOf)), string.Join(". ", d.Professions.Select(SearchFacets.Profession.LabelOf))];
        var document = new Document
        {
            new StringField(ModuleDocument.Id, d.Id.ToString("D"), Field.Store.YES),
            new StringField(ModuleDocument.Owner, d.OwnerTenantId, Field.Store.YES),
            new StringField(Kind, DocumentKind, Field.Store.YES),
            new StringField(Feature, d.FeatureId, Field.Store.NO),
            new StringField(Shared, d.SharedWithAllPortals ? "oui" : "non", Field.Store.NO),
            new Int64Field(From, d.VisibleFrom.UtcTicks, Field.Store.YES),
            new Int64Field(Until, d.VisibleUntil?.UtcTicks ?? long.MaxValue, Field.Store.YES),
            new StoredField(Url, d.Url),
            new StoredField(ModuleDocument.Slug, d.Url),
            new TextField(ModuleDocument.Title, d.Title, Field.Store.YES),
            new StoredField(ModuleDocument.Summary, d.Summary),
            new StoredField(ModuleDocument.Description, d.Body),
            new Field(ModuleDocument.Plain, string.Join("\n", texts), new FieldType { IsIndexed = true, IsTokenized = true, IsStored = false, IndexOptions = IndexOptions.DOCS_AND_FREQS }),
            new NumericDocValuesField(ModuleDocument.Published, d.VisibleFrom.UtcTicks),
            new NumericDocValuesField(ModuleDocument.DurationMinutes, 0),
            new NumericDocValuesField(ModuleDocument.IndividualPrice, 0),
        };
        foreach (var text in texts.Where(t => t.Length > 0)) document.Add(new TextField(ModuleDocument.Text, text, Field.Store.NO));
        void Facet(SearchFacet facet, IEnumerable<string> values)
        {
            foreach (var value in values.Distinct())
            {
                document.Add(new StringField(facet.Name, value, Field.Store.NO));
                document.Add(new SortedSetDocValuesField(facet.Name, new BytesRef(value)));
            }
        }
        Facet(SearchFacets.Theme, d.Themes);
        Facet(SearchFacets.Profession, d.Professions);
        Facet(SearchFacets.Source, [d.Source]);
        return document;
    }
}

/// <summary>Re-reads a changed document from its source and updates the index (idempotent: late or repeated events are harmless).</summary>
internal sealed class DocumentIndexMaintenance(SearchIndex index, IEnumerable<ISearchableSource> sources) : IDomainEventHandler<SearchableDocumentChanged>
{
    public async Task HandleAsync(SearchableDocumentChanged changed, CancellationToken ct)
    {
        var source = sources.FirstOrDefault(s => s.Source == changed.Source);
        var document = source is null ? null : await source.GetAsync(changed.Id, ct);
        if (document is null) await index.DeleteAsync(changed.Id, ct);
        else await index.UpsertAsync(document, ct);
    }
}
