using Formation.Catalog.Contracts;
using Formation.Search.Contracts;
using Formation.Search.Indexing;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;

namespace Formation.NationalCatalog;

/// <summary>
/// The shown national trainings as search documents (source "cpf", "Catalogue national (CPF)"), on the portals where
/// the feature is on. The search re-reads them all when <see cref="SearchSourceChanged"/> is raised after a sync, an
/// LHEO import or a rule change (a few thousand trainings: the relevant ones only).
/// </summary>
public sealed class NationalSearchSource(NationalCatalogue catalogue, FeatureService features, McfLinks links) : ISearchSource
{
    public string Name => SearchFacets.NationalSource;

    public bool IsShownOn(TenantInfo portal) => features.IsEnabled(portal, NationalCatalogModule.Feature);

    public async IAsyncEnumerable<SourceDocument> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var t in catalogue.StreamShownAsync(ct))
        {
            var places = t.Departements.Count == 0 ? (t.DistanceLearning ? "À distance" : "") : string.Join(", ", t.Departements.Select(d => d.Name)) + (t.DistanceLearning ? ", à distance" : "");
            yield return new SourceDocument
            {
                Key = t.NumeroFormation,
                Title = t.Title,
                Summary = string.Join(" · ", new[] { t.OrganisationName, t.CertificationTitle, places, Pages.Format.PriceRange(t.PriceMinCents, t.PriceMaxCents) }.Where(p => !string.IsNullOrEmpty(p))),
                Text = string.Join("\n", new[] { t.CertificationCode, ModuleDocument.PlainText(t.HighlightsHtml ?? ""), ModuleDocument.PlainText(t.ObjectivesHtml ?? ""), ModuleDocument.PlainText(t.ContentHtml ?? "") }.Where(p => !string.IsNullOrEmpty(p))),
                Url = "/catalogue-national/" + Uri.EscapeDataString(t.NumeroFormation),
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
}
