using System.Net;
using Ganss.Xss;

namespace Formation.NationalCatalog.Import;

/// <summary>The formation-level text of a training, normalised and sanitised, as written to the catalogue.</summary>
public sealed record TrainingText
{
    public required string Title { get; init; }
    public string? OrganisationName { get; init; }
    public string? Siret { get; init; }
    public string? CertificationType { get; init; }
    public string? CodeRncp { get; init; }
    public string? CodeRs { get; init; }
    public string? CertificationTitle { get; init; }
    public string? Level { get; init; }
    public string? CodeCertifinfo { get; init; }
    public string? Formacodes { get; init; }
    public string? FormacodeLabel { get; init; }
    public string? NsfCodes { get; init; }
    public string? NsfLabels { get; init; }
    public string? RomeCodes { get; init; }
    public string? HighlightsHtml { get; init; }
    public string? ObjectivesHtml { get; init; }
    public string? ContentHtml { get; init; }
    public string? ResultsHtml { get; init; }

    public void Write(BinaryWriter writer)
    {
        foreach (var value in Values()) { writer.Write(value is not null); if (value is not null) writer.Write(value); }
    }

    public static TrainingText Read(BinaryReader reader)
    {
        string? Next() => reader.ReadBoolean() ? reader.ReadString() : null;
        return new TrainingText
        {
            Title = Next()!, OrganisationName = Next(), Siret = Next(), CertificationType = Next(), CodeRncp = Next(), CodeRs = Next(),
            CertificationTitle = Next(), Level = Next(), CodeCertifinfo = Next(), Formacodes = Next(), FormacodeLabel = Next(),
            NsfCodes = Next(), NsfLabels = Next(), RomeCodes = Next(), HighlightsHtml = Next(), ObjectivesHtml = Next(),
            ContentHtml = Next(), ResultsHtml = Next(),
        };
    }

    private IEnumerable<string?> Values() =>
    [
        Title, OrganisationName, Siret, CertificationType, CodeRncp, CodeRs, CertificationTitle, Level, CodeCertifinfo, Formacodes,
        FormacodeLabel, NsfCodes, NsfLabels, RomeCodes, HighlightsHtml, ObjectivesHtml, ContentHtml, ResultsHtml,
    ];
}

/// <summary>Export text fields hold HTML written by thousands of providers: only a few harmless tags are kept.</summary>
public static class TrainingHtml
{
    [ThreadStatic] private static HtmlSanitizer? _sanitizer;

    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // Plain text (most fields) skips the HTML parser: it is encoded, its line breaks kept.
        if (text.AsSpan().IndexOfAny('<', '&') < 0) return WebUtility.HtmlEncode(text.Trim()).Replace("\r\n", "\n").Replace("\n", "<br>");
        // Most providers write a few bare list and paragraph tags: such HTML is kept as it is, without the parser.
        if (IsPlainMarkup(text)) return text.Trim();
        var html = (_sanitizer ??= Create()).Sanitize(text).Trim();
        return html.Length == 0 ? null : html;
    }

    private static readonly string[] Containers = ["p", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5"];

    /// <summary>
    /// True when every tag is one of the kept tags, written bare (no attribute), properly nested and closed, and the text
    /// between tags holds no "&lt;": then the sanitiser would return the same markup. Anything else goes to the sanitiser.
    /// </summary>
    public static bool IsPlainMarkup(ReadOnlySpan<char> html)
    {
        Span<int> open = stackalloc int[16];
        var depth = 0;
        while (true)
        {
            var start = html.IndexOf('<');
            if (start < 0) return depth == 0;
            var end = html[(start + 1)..].IndexOf('>');
            if (end < 0) return false;
            var tag = html.Slice(start + 1, end).Trim();
            html = html[(start + end + 2)..];
            if (tag.Equals("br", StringComparison.OrdinalIgnoreCase) || tag.Equals("br/", StringComparison.OrdinalIgnoreCase) || tag.Equals("br /", StringComparison.OrdinalIgnoreCase)) continue;
            var closing = tag.StartsWith('/');
            var name = closing ? tag[1..] : tag;
            var index = -1;
            for (var i = 0; i < Containers.Length; i++) if (name.Equals(Containers[i], StringComparison.OrdinalIgnoreCase)) { index = i; break; }
            if (index < 0) return false;
            if (!closing) { if (depth == open.Length) return false; open[depth++] = index; }
            else if (depth == 0 || open[--depth] != index) return false;
        }
    }

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer { KeepChildNodes = true };
        sanitizer.AllowedTags.Clear();
        foreach (var tag in new[] { "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5" }) sanitizer.AllowedTags.Add(tag);
        sanitizer.AllowedAttributes.Clear();
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowedSchemes.Clear();
        return sanitizer;
    }
}
