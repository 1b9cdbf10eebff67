using Ganss.Xss;
using Markdig;

namespace Formation.Shell.Text;

/// <summary>
/// Markdown written by people, turned into HTML that is safe to show: Markdig without raw HTML, then HtmlSanitizer
/// again with a short allow-list (defence in depth). Every module that shows Markdown goes through here.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline BasicPipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().UseEmphasisExtras().Build();
    private static readonly MarkdownPipeline RichPipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().UseEmphasisExtras().UsePipeTables().Build();

    private static readonly string[] BasicTags = ["p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "del"];
    private static readonly string[] RichTags = [.. BasicTags, "h2", "h5", "pre", "hr", "img", "table", "thead", "tbody", "tr", "th", "td"];

    private static readonly HtmlSanitizer Basic = CreateSanitizer(BasicTags, ["href"]);
    private static readonly HtmlSanitizer Rich = CreateSanitizer(RichTags, ["href", "src", "alt", "title"]);

    /// <summary>Short descriptions (module pages): paragraphs, lists, links, small headings.</summary>
    public static string RenderBasic(string? markdown) => Basic.Sanitize(Markdown.ToHtml(markdown ?? "", BasicPipeline));

    /// <summary>Articles and pages: also second-level headings, images, tables and code blocks.</summary>
    public static string RenderRich(string? markdown) => Rich.Sanitize(Markdown.ToHtml(markdown ?? "", RichPipeline));

    /// <summary>HTML produced elsewhere (e.g. a portal's own template), cleaned with the rich allow-list plus layout tags.</summary>
    public static string SanitizeHtml(string html) => Layout.Sanitize(html);

    private static readonly HtmlSanitizer Layout = CreateLayoutSanitizer();

    private static HtmlSanitizer CreateSanitizer(IEnumerable<string> tags, IEnumerable<string> attributes)
    {
        var sanitizer = new HtmlSanitizer { KeepChildNodes = true };
        sanitizer.AllowedTags.Clear();
        foreach (var tag in tags) sanitizer.AllowedTags.Add(tag);
        sanitizer.AllowedAttributes.Clear();
        foreach (var attribute in attributes) sanitizer.AllowedAttributes.Add(attribute);
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        return sanitizer;
    }

    private static HtmlSanitizer CreateLayoutSanitizer()
    {
        var sanitizer = CreateSanitizer([.. RichTags, "div", "section", "span", "h1", "h6", "figure", "figcaption", "nav", "article", "header", "footer", "small", "time"],
            ["href", "src", "alt", "title", "class", "id", "aria-label", "aria-hidden", "aria-labelledby", "role", "datetime", "lang"]);
        // No inline styles: a portal's template changes markup, not the security of the page.
        sanitizer.AllowedCssProperties.Clear();
        return sanitizer;
    }
}
