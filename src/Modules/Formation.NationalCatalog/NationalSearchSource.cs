using Formation.Catalog.Contracts;
using Formation.Search.Indexing;
using Formation.Shell.Search;
using Formation.Shell.Tenancy;

namespace Formation.NationalCatalog;

/// <summary>
/// The shown national trainings as search documents (source "cpf", "Catalogue national (CPF)"): platform documents
/// shared with every portal where the feature is on. After a sync, an LHEO import or a rule change the search reads
/// them all again (<see cref="SearchableSourceReplaced"/>; a few thousand trainings: the relevant ones only).
/// </summary>
public sealed class NationalSearchSource(NationalCatalogue catalogue, McfLinks links) : ISearchableSource
{
    public string Source => SearchFacets.NationalSource;

    public async IAsyncEnumerable<SearchableDocument> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var t in catalogue.StreamShownAsync(ct)) yield return ToDocument(t);
    }

    public async Task<SearchableDocument?> GetAsync(string key, CancellationToken ct = default) =>
        await catalogue.FindShownAsync(key, ct) is { } training ? ToDocument(training) : null;

    private SearchableDocument ToDocument(NationalTrainingDto t)
    {
        var places = t.Departements.Count == 0 ? (t.DistanceLearning ? "À distance" : "") : string.Join(", ", t.Departements.Select(d => d.Name)) + (t.DistanceLearning ? ", à distance" : "");
        return new SearchableDocument
        {
            Key = t.NumeroFormation,
            FeatureId = NationalCatalogModule.Feature,
            Source = SearchFacets.NationalSource,
            OwnerTenantId = TenantInfo.PlatformId,
            SharedWithAllPortals = true,
            Title = t.Title,
            Summary = string.Join(" · ", new[] { t.OrganisationName, t.CertificationTitle, places, Pages.Format.PriceRange(t.PriceMinCents, t.PriceMaxCents) }.Where(p => !string.IsNullOrEmpty(p))),
            Body = string.Join("\n", new[] { t.CertificationCode, ModuleDocument.PlainText(t.HighlightsHtml ?? ""), ModuleDocument.PlainText(t.ObjectivesHtml ?? ""), ModuleDocument.PlainText(t.ContentHtml ?? "") }.Where(p => !string.IsNullOrEmpty(p))),
            Url = "/catalogue-national/" + Uri.EscapeDataString(t.NumeroFormation),
            // Always visible while shown: one shared window keeps the search's time boundaries to a single one.
            VisibleFrom = DateTimeOffset.MinValue,
            ExternalUrl = t.Source == Import.CatalogueSync.CpfSource ? links.For(t.NumeroFormation, t.Title) : links.Search(t.Title),
            PriceCents = t.PriceMinCents,
            DurationHours = t.HoursMin,
            Facets = new Dictionary<string, IReadOnlyList<string>>
            {
                [SearchFacets.Departement.Name] = t.Departements.Select(d => d.Code).ToList(),
                [SearchFacets.Region.Name] = t.Regions.Select(r => r.Code).ToList(),
                [SearchFacets.Distance.Name] = [t.DistanceLearning ? "oui" : "non"],
                [SearchFacets.Certification.Name] = [SearchFacets.CertificationValue(t.CertificationType)],
                [SearchFacets.PriceRange.Name] = [SearchFacets.PriceBand(t.PriceMinCents)],
                [SearchFacets.Certifying.Name] = [t.CertificationCode is null ? "non" : "oui"],
                [SearchFacets.Cpf.Name] = [t.CpfEligible ? "oui" : "non"],
                [SearchFacets.Price.Name] = [t.PriceMinCents is 0 ? "gratuit" : "payant"],
                [SearchFacets.Duration.Name] = t.HoursMin is { } hours ? [Taxonomy.DurationBand(hours)] : [],
            },
        };
    }
}
