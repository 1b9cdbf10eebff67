using System.Globalization;
using System.Text;
using System.Xml;
using Formation.Catalog.Contracts;
using Formation.Identity.Organisations;
using Formation.Shell.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.NationalCatalog.Lheo;

/// <summary>
/// The portal's published modules as LHEO 2.3 (<c>lheo &gt; offres &gt; formation &gt; action &gt; session</c>), for the
/// Carif-Oref. One action per module (distance learning, so no training place); one session per dated session, or one
/// "permanent entry" session (00000000–99999999) for modules open at any time. Text is plain (tags removed) and cut to
/// the schema's lengths; values LHEO requires that the platform does not hold are written as LHEO's "unknown" codes.
/// </summary>
public sealed class LheoExport(ICatalogReader catalog, TenantContext tenant, ITenantDirectory tenants, IServiceScopeFactory scopes)
{
    public const string Namespace = "http://lheo.gouv.fr/2.3";

    public async Task WriteAsync(Stream output, string baseUrl, CancellationToken ct)
    {
        var portal = tenant.Required.Id;
        var curation = await catalog.GetCurationAsync(portal, ct);
        var modules = new List<PublishedModule>();
        await foreach (var module in catalog.StreamPublishedAsync(ct))
            if (curation.Shows(module, portal)) modules.Add(module);
        var publishers = await PublishersAsync(modules, ct);

        var settings = new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false), Indent = true };
        await using var xml = XmlWriter.Create(output, settings);
        await xml.WriteStartDocumentAsync();
        xml.WriteStartElement("lheo", Namespace);
        xml.WriteStartElement("offres", Namespace);
        foreach (var module in modules.OrderBy(m => m.Title, StringComparer.Ordinal))
        {
            var publisher = publishers.GetValueOrDefault(module.PublisherId);
            WriteFormation(xml, module, publisher, baseUrl);
            await xml.FlushAsync();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>Publishers belong to the module's owner portal (the platform for shared modules): read in that portal.</summary>
    private async Task<Dictionary<Guid, Identity.Data.Organisation>> PublishersAsync(List<PublishedModule> modules, CancellationToken ct)
    {
        var all = await tenants.GetAllAsync(ct);
        var result = new Dictionary<Guid, Identity.Data.Organisation>();
        foreach (var group in modules.GroupBy(m => m.OwnerTenantId))
        {
            if (all.FirstOrDefault(t => t.Id == group.Key) is not { } owner) continue;
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(owner);
            var directory = scope.ServiceProvider.GetRequiredService<OrganisationDirectory>();
            foreach (var id in group.Select(m => m.PublisherId).Distinct())
                if (await directory.FindAsync(id, ct) is { } organisation) result[id] = organisation;
        }
        return result;
    }

    private void WriteFormation(XmlWriter xml, PublishedModule module, Identity.Data.Organisation? publisher, string baseUrl)
    {
        var url = baseUrl + "/formations/" + module.Slug;
        xml.WriteStartElement("formation", Namespace);
        xml.WriteAttributeString("numero", module.Id.ToString("D"));
        xml.WriteAttributeString("datemaj", module.PublishedUtc.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        xml.WriteStartElement("domaine-formation", Namespace);
        // Every module of the platform is child-protection training (Formacode 44032 "aide sociale enfance", NSF 332).
        Element(xml, "code-FORMACODE", "44032");
        Element(xml, "code-NSF", "332");
        xml.WriteEndElement();
        Element(xml, "intitule-formation", Cut(module.Title, 255));
        Element(xml, "objectif-formation", Text(module.Objectives.Count > 0 ? string.Join("\n", module.Objectives) : module.Summary));
        Element(xml, "resultats-attendus", Text(module.CertificationCode is not null ? "Certification " + module.CertificationCode : "Attestation de fin de formation"));
        Element(xml, "contenu-formation", Text(module.Outline.Count > 0 ? string.Join("\n", module.Outline) : PlainText(module.DescriptionHtml)));
        Element(xml, "certifiante", module.IsCertifying ? "1" : "0");
        xml.WriteStartElement("contact-formation", Namespace);
        xml.WriteStartElement("coordonnees", Namespace);
        xml.WriteStartElement("web", Namespace);
        Element(xml, "urlweb", Cut(url, 400));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        Element(xml, "parcours-de-formation", "4"); // modularised
        Element(xml, "code-niveau-entree", "0"); // no entry level required
        if (module.CertificationCode is { } code)
        {
            xml.WriteStartElement("certification", Namespace);
            if (module.CertificationKind == CertificationKind.Rs) Element(xml, "code-RS", Cut(code.Replace("RS", "", StringComparison.OrdinalIgnoreCase), 10));
            else Element(xml, "code-RNCP", Cut(code.Replace("RNCP", "", StringComparison.OrdinalIgnoreCase), 10));
            xml.WriteEndElement();
        }
        xml.WriteStartElement("url-formation", Namespace);
        Element(xml, "urlweb", Cut(url, 400));
        xml.WriteEndElement();
        WriteAction(xml, module, url);
        WriteResponsible(xml, module, publisher);
        xml.WriteStartElement("extras", Namespace);
        xml.WriteAttributeString("info", "eligibilite-cpf");
        xml.WriteStartElement("extra", Namespace);
        xml.WriteAttributeString("info", "eligibilite-cpf");
        xml.WriteString(module.CpfEligible ? "1" : "0");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private void WriteAction(XmlWriter xml, PublishedModule module, string url)
    {
        xml.WriteStartElement("action", Namespace);
        xml.WriteAttributeString("numero", module.VersionId.ToString("D"));
        Element(xml, "rythme-formation", module.Format == CatalogModuleFormats.Mooc ? "À son rythme, en ligne" : "En ligne, accompagné");
        Element(xml, "code-public-vise", "80056"); // Formacode "salarié" (V12 public code)
        Element(xml, "niveau-entree-obligatoire", "0");
        Element(xml, "modalites-alternance", "Sans objet");
        Element(xml, "modalites-enseignement", module.Format == ModuleFormat.Blended ? "1" : "2"); // 2 = entirely at a distance
        Element(xml, "conditions-specifiques", Text(module.Prerequisites ?? "Aucune"));
        Element(xml, "prise-en-charge-frais-possible", module.IsFree ? "0" : "1");
        Element(xml, "modalites-entrees-sorties", module.Sessions.Count == 0 ? "1" : "0"); // 1 = permanent entry
        xml.WriteStartElement("url-action", Namespace);
        Element(xml, "urlweb", Cut(url, 400));
        xml.WriteEndElement();
        var sessions = module.Sessions.Count > 0
            ? module.Sessions.Select(s => (Id: s.Id.ToString("D"), Start: s.StartDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), End: s.EndDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture)))
            : [(module.Id.ToString("D"), "00000000", "99999999")];
        foreach (var (id, start, end) in sessions)
        {
            xml.WriteStartElement("session", Namespace);
            xml.WriteAttributeString("numero", id);
            xml.WriteStartElement("periode", Namespace);
            Element(xml, "debut", start);
            Element(xml, "fin", end);
            xml.WriteEndElement();
            xml.WriteStartElement("adresse-inscription", Namespace);
            WriteUnknownAddress(xml);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        Element(xml, "langue-formation", module.Language.Length == 2 ? module.Language : "fr");
        if (module.Prices.IndividualCents > 0) Element(xml, "prix-total-TTC", Cut((module.Prices.IndividualCents / 100m).ToString("0.00", CultureInfo.InvariantCulture), 10));
        if (module.DurationHours > 0) Element(xml, "nombre-heures-total", ((long)Math.Ceiling(module.DurationHours)).ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }

    private static void WriteResponsible(XmlWriter xml, PublishedModule module, Identity.Data.Organisation? publisher)
    {
        xml.WriteStartElement("organisme-formation-responsable", Namespace);
        xml.WriteAttributeString("numero", module.PublisherId.ToString("D"));
        var nda = publisher?.ActivityDeclarationNumber?.Replace(" ", "");
        Element(xml, "numero-activite", nda is { Length: 11 } ? nda : "00000000000");
        xml.WriteStartElement("SIRET-organisme-formation", Namespace);
        Element(xml, "SIRET", publisher?.Siret is { Length: 14 } siret ? siret : "00000000000000");
        xml.WriteEndElement();
        Element(xml, "nom-organisme", Cut(module.PublisherName, 250));
        Element(xml, "raison-sociale", Cut(publisher?.Name ?? module.PublisherName, 250));
        xml.WriteStartElement("coordonnees-organisme", Namespace);
        xml.WriteStartElement("coordonnees", Namespace);
        WriteUnknownAddress(xml);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("contact-organisme", Namespace);
        xml.WriteStartElement("coordonnees", Namespace);
        WriteUnknownAddress(xml);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>The platform keeps no postal address: LHEO's placeholders, as Intercarif writes them.</summary>
    private static void WriteUnknownAddress(XmlWriter xml)
    {
        xml.WriteStartElement("adresse", Namespace);
        Element(xml, "ligne", "-");
        Element(xml, "codepostal", "00000");
        Element(xml, "ville", "-");
        Element(xml, "pays", "FR");
        xml.WriteEndElement();
    }

    private static void Element(XmlWriter xml, string name, string value) => xml.WriteElementString(name, Namespace, value);

    private static string Text(string value) => Cut(string.IsNullOrWhiteSpace(value) ? "-" : value.Trim(), 3000);

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    private static string PlainText(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " ")).Trim();
}

internal static class CatalogModuleFormats
{
    public const ModuleFormat Mooc = ModuleFormat.Mooc;
}
