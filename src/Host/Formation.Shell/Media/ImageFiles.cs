namespace Formation.Shell.Media;

/// <summary>Uploaded images are recognised by their first bytes, whatever their name or declared type says.</summary>
public static class ImageFiles
{
    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        ["png"] = "image/png", ["jpg"] = "image/jpeg", ["webp"] = "image/webp", ["svg"] = "image/svg+xml",
    };

    /// <summary>The file's real type from its first bytes, whatever its name says.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes, bool allowSvg)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "png";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "jpg";
        if (bytes.Length > 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return "webp";
        if (allowSvg)
        {
            var head = System.Text.Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 512)]).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
            if ((head.StartsWith("<svg", StringComparison.Ordinal) || head.StartsWith("<?xml", StringComparison.Ordinal)) && head.Contains("<svg", StringComparison.Ordinal)) return "svg";
        }
        return null;
    }
}
