using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Formation.Catalog.Contracts;
using Formation.Content.Data;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Content;

/// <summary>Feeds, sitemap, media files, the editor's live preview and the export of a portal's content.</summary>
internal static partial class ContentEndpoints
{
    [GeneratedRegex("^([0-9a-f]{32})\\.(png|jpg|webp|pdf)$")]
    private static partial Regex MediaName();

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/actualites/flux.atom", NewsFeedAsync).ExcludeFromDescription();
        endpoints.MapGet("/sitemap.xml", SitemapAsync).ExcludeFromDescription();

        endpoints.MapGet(ContentReader.MediaRoute + "{file}", async (string file, MediaLibrary library, HttpContext http, CancellationToken ct) =>
        {
            // Names are the library's own (id.ext): anything else is refused before touching the disk.
            var match = MediaName().Match(file);
            if (!match.Success) return Results.NotFound();
            var found = await library.OpenAsync(Guid.ParseExact(match.Groups[1].Value, "N"), ct);
            if (found is not { } f || f.Media.Extension != match.Groups[2].Value) return Results.NotFound();
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.File(f.Path, MediaLibrary.ContentTypes[f.Media.Extension], f.Media.IsImage ? null : f.Media.FileName);
        }).ExcludeFromDescription();

        // Typed as a Func: a method group taking HttpContext would bind to RequestDelegate and drop the IResult.
        Func<HttpContext, Task<IResult>> preview = PreviewAsync;
        endpoints.MapPost("/bonnes-pratiques/apercu", preview).RequireAuthorization().ExcludeFromDescription();
        endpoints.MapPost("/admin/contenus/apercu", preview).RequireAuthorization(Policies.TenantAdmin).ExcludeFromDescription();
        static async Task<IResult> PreviewAsync(HttpContext http)
        {
            // Live preview of the editor: the same rendering as the published page, nothing stored.
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var markdown = form["markdown"].ToString();
            if (markdown.Length > 100_000) return Results.Problem(title: "Texte trop long", detail: "Le texte fait 100 000 caractères au plus.", statusCode: 400);
            return Results.Content(SafeMarkdown.RenderRich(markdown), "text/html; charset=utf-8");
        }

        endpoints.MapGet("/admin/contenus/export", async (ContentTransfer transfer, TenantContext tenant, CancellationToken ct) =>
        {
            var step = JsonSerializer.SerializeToNode(await transfer.ExportAsync(ct), ContentJson.Options)!.AsObject();
            var document = new System.Text.Json.Nodes.JsonObject { ["name"] = "content" };
            foreach (var (key, value) in step.ToList()) { step.Remove(key); document[key] = value; }
            var json = JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions(ContentJson.Options) { WriteIndented = true });
            return Results.File(json, "application/json", $"contenus-{tenant.Required.Id}.json");
        }).RequireAuthorization(Policies.TenantAdmin).ExcludeFromDescription();
    }

    private static async Task<IResult> NewsFeedAsync(HttpContext http, ContentReader reader, TenantContext tenant, TimeProvider time, CancellationToken ct)
    {
        var portal = tenant.Required;
        var site = SiteUrl(http);
        var news = (await reader.VisibleAsync([ContentKind.News], null, ct)).Take(30).ToList();
        var builder = new StringBuilder();
        using (var xml = XmlWriter.Create(builder, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            const string atom = "http://www.w3.org/2005/Atom";
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", atom);
            xml.WriteAttributeString("xml", "lang", null, "fr");
            xml.WriteElementString("title", atom, $"Actualités — {portal.Brand.SiteTitle}");
            xml.WriteElementString("id", atom, site + "actualites");
            xml.WriteElementString("updated", atom, XmlConvert.ToString((news.FirstOrDefault()?.UpdatedUtc ?? time.GetUtcNow()).UtcDateTime, XmlDateTimeSerializationMode.Utc));
            WriteLink(xml, atom, "self", site + "actualites/flux.atom");
            WriteLink(xml, atom, "alternate", site + "actualites");
            xml.WriteStartElement("author", atom);
            xml.WriteElementString("name", atom, portal.Brand.OperatorName ?? portal.Brand.SiteTitle);
            xml.WriteEndElement();
            foreach (var item in news)
            {
                var url = site + item.Url.TrimStart('/');
                xml.WriteStartElement("entry", atom);
                xml.WriteElementString("title", atom, item.Title);
                xml.WriteElementString("id", atom, url);
                WriteLink(xml, atom, "alternate", url);
                xml.WriteElementString("published", atom, XmlConvert.ToString(item.PublishUtc.UtcDateTime, XmlDateTimeSerializationMode.Utc));
                xml.WriteElementString("updated", atom, XmlConvert.ToString(Max(item.UpdatedUtc, item.PublishUtc).UtcDateTime, XmlDateTimeSerializationMode.Utc));
                if (item.AuthorName is not null) { xml.WriteStartElement("author", atom); xml.WriteElementString("name", atom, item.AuthorName); xml.WriteEndElement(); }
                foreach (var theme in item.Themes)
                {
                    xml.WriteStartElement("category", atom);
                    xml.WriteAttributeString("term", theme);
                    xml.WriteAttributeString("label", Taxonomy.Themes.GetValueOrDefault(theme, theme));
                    xml.WriteEndElement();
                }
                if (item.Summary.Length > 0) xml.WriteElementString("summary", atom, item.Summary);
                xml.WriteStartElement("content", atom);
                xml.WriteAttributeString("type", "html");
                xml.WriteString(item.BodyHtml);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Results.Text(builder.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\""), "application/atom+xml; charset=utf-8");
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static void WriteLink(XmlWriter xml, string ns, string rel, string href)
    {
        xml.WriteStartElement("link", ns);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static async Task<IResult> SitemapAsync(HttpContext http, ContentReader reader, TenantContext tenant, IServiceProvider services, CancellationToken ct)
    {
        var site = SiteUrl(http);
        var urls = new List<(string Loc, DateTimeOffset? Modified)> { (site, null), (site + "formations", null), (site + "actualites", null), (site + "ressources", null) };
        foreach (var item in await reader.VisibleAsync(null, null, ct))
            urls.Add((site + item.Url.TrimStart('/'), Max(item.UpdatedUtc, item.PublishUtc)));
        // Modules through the catalogue's public contract and its one visibility rule.
        if (services.GetService<ICatalogReader>() is { } catalog)
        {
            var curation = await catalog.GetCurationAsync(tenant.Required.Id, ct);
            await foreach (var module in catalog.StreamPublishedAsync(ct))
                if (curation.Shows(module, tenant.Required.Id)) urls.Add((site + "formations/" + module.Slug, module.PublishedUtc));
        }
        var builder = new StringBuilder();
        using (var xml = XmlWriter.Create(builder, new XmlWriterSettings { Indent = true }))
        {
            const string ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
            xml.WriteStartDocument();
            xml.WriteStartElement("urlset", ns);
            foreach (var (loc, modified) in urls)
            {
                xml.WriteStartElement("url", ns);
                xml.WriteElementString("loc", ns, loc);
                if (modified is { } m) xml.WriteElementString("lastmod", ns, m.UtcDateTime.ToString("yyyy-MM-dd"));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Results.Text(builder.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\""), "application/xml; charset=utf-8");
    }

    private static string SiteUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host.Value}{http.Request.PathBase.Value}/";
}
