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
    /// <summary>Stored: the document's origin (its source), shown on the hit.</summary>
    public const string Source = "origin";
    /// <summary>Stored: where it is bought or joined outside the platform.</summary>
    public const string ExternalUrl = "external";

    /// <summary>The index id of a document: "{source}:{key}" (a module's is its id alone).</summary>
    public static string IdOf(string source, string key) => source + ":" + key;

    public static string IdOf(SearchableDocument d) => IdOf(d.Source, d.Key);

    public static Document ToDocument(SearchableDocument d)
    {
        string[] texts = [d.Title, d.Summary, d.Body,
            string.Join(". ", d.Themes.Select(SearchFacets.Theme.LabelOf)), string.Join(". ", d.Professions.Select(SearchFacets.Profession.LabelOf))];
        var document = new Document
        {
            new StringField(ModuleDocument.Id, IdOf(d), Field.Store.YES),
            new StringField(ModuleDocument.Owner, d.OwnerTenantId, Field.Store.YES),
            new StringField(Kind, DocumentKind, Field.Store.YES),
            new StringField(Feature, d.FeatureId, Field.Store.NO),
            new StringField(Shared, d.SharedWithAllPortals ? "oui" : "non", Field.Store.NO),
            new Int64Field(From, d.VisibleFrom.UtcTicks, Field.Store.YES),
            new Int64Field(Until, d.VisibleUntil?.UtcTicks ?? long.MaxValue, Field.Store.YES),
            new StoredField(Url, d.Url),
            new StoredField(Source, d.Source),
            new StoredField(ModuleDocument.Slug, d.Url),
            new TextField(ModuleDocument.Title, d.Title, Field.Store.YES),
            new StoredField(ModuleDocument.Summary, d.Summary),
            new StoredField(ModuleDocument.Description, d.Body),
            new Field(ModuleDocument.Plain, string.Join("\n", texts), new FieldType { IsIndexed = true, IsTokenized = true, IsStored = false, IndexOptions = IndexOptions.DOCS_AND_FREQS }),
            new NumericDocValuesField(ModuleDocument.Published, (d.UpdatedUtc ?? d.VisibleFrom).UtcTicks),
            new NumericDocValuesField(ModuleDocument.DurationMinutes, d.DurationHours is { } hours ? (long)Math.Round(hours * 60) : long.MaxValue),
            new NumericDocValuesField(ModuleDocument.IndividualPrice, d.PriceCents ?? long.MaxValue),
        };
        if (d.ExternalUrl is not null) document.Add(new StoredField(ExternalUrl, d.ExternalUrl));
        foreach (var text in texts.Where(t => t.Length > 0)) document.Add(new TextField(ModuleDocument.Text, text, Field.Store.NO));
        void Facet(SearchFacet facet, IEnumerable<string> values)
        {
            foreach (var value in values.Distinct())
            {
                document.Add(new StringField(facet.Name, value, Field.Store.NO));
                document.Add(new SortedSetDocValuesField(facet.Name, new BytesRef(value)));
            }
        }
        foreach (var facet in SearchFacets.All)
        {
            IEnumerable<string> values = facet == SearchFacets.Theme ? d.Themes
                : facet == SearchFacets.Profession ? d.Professions
                : facet == SearchFacets.Source ? [d.Source]
                : d.Facets.GetValueOrDefault(facet.Name) ?? [];
            Facet(facet, values.Where(facet.Values.ContainsKey));
        }
        return document;
    }
}

/// <summary>Re-reads a changed document from its source and updates the index (idempotent: late or repeated events are harmless).</summary>
internal sealed class DocumentIndexMaintenance(SearchIndex index, IEnumerable<ISearchableSource> sources) : IDomainEventHandler<SearchableDocumentChanged>
{
    public async Task HandleAsync(SearchableDocumentChanged changed, CancellationToken ct)
    {
        var source = sources.FirstOrDefault(s => s.Source == changed.Source);
        var document = source is null ? null : await source.GetAsync(changed.Key, ct);
        if (document is null) await index.DeleteDocumentAsync(changed.Source, changed.Key, ct);
        else await index.UpsertAsync(document, ct);
    }
}

/// <summary>Reads every document of a source again and swaps them in at once (a catalogue import changed many).</summary>
internal sealed class SourceIndexMaintenance(SearchIndex index, IEnumerable<ISearchableSource> sources) : IDomainEventHandler<SearchableSourceReplaced>
{
    public async Task HandleAsync(SearchableSourceReplaced replaced, CancellationToken ct)
    {
        foreach (var source in sources.Where(s => s.Source == replaced.Source))
            await index.ReplaceSourceAsync(source.Source, source.StreamAsync(ct), ct);
    }
}
