using System.Globalization;
using System.Text.RegularExpressions;

namespace Formation.Shell.Themes;

/// <summary>Brand colour rules: #RRGGBB, dark enough for white text (WCAG/RGAA contrast 4.5:1).</summary>
public static partial class BrandColor
{
    public const double MinimumContrast = 4.5;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexPattern();

    public static bool IsHex(string? value) => value is not null && HexPattern().IsMatch(value);

    public static double ContrastWithWhite(string hex)
    {
        var l = RelativeLuminance(hex);
        return 1.05 / (l + 0.05);
    }

    /// <summary>A darker shade for hover states.</summary>
    public static string Darken(string hex, double factor = 0.8)
    {
        var (r, g, b) = Parse(hex);
        return $"#{(int)(r * factor):x2}{(int)(g * factor):x2}{(int)(b * factor):x2}";
    }

    /// <summary>A very light tint of the colour, for backgrounds behind dark text.</summary>
    public static string Tint(string hex, double amount = 0.92)
    {
        var (r, g, b) = Parse(hex);
        int Mix(int c) => (int)Math.Round(c + (255 - c) * amount);
        return $"#{Mix(r):x2}{Mix(g):x2}{Mix(b):x2}";
    }

    private static (int R, int G, int B) Parse(string hex) => (
        int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber),
        int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber),
        int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber));

    private static double RelativeLuminance(string hex)
    {
        var (r, g, b) = Parse(hex);
        static double Channel(int c)
        {
            var s = c / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(r) + 0.7152 * Channel(g) + 0.0722 * Channel(b);
    }
}
