using System.Globalization;
using System.Text.RegularExpressions;

namespace Formation.Workflows.Definitions;

/// <summary>
/// ISO-8601 durations in weeks, days, hours, minutes and seconds (P2W, P10D, PT4H, P1DT12H). Years and months are
/// refused: their length varies, and a due date must mean the same everywhere.
/// </summary>
public static partial class WorkflowDuration
{
    [GeneratedRegex(@"^P(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,8})S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var match = Pattern().Match(text.Trim().ToUpperInvariant());
        if (!match.Success || text.Trim().EndsWith('T') || text.Trim().Length == 1) return false;
        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromDays(Part(1) * 7 + Part(2)) + TimeSpan.FromHours(Part(3)) + TimeSpan.FromMinutes(Part(4)) + TimeSpan.FromSeconds(Part(5));
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"Durée invalide : {text}.");

    /// <summary>"10 jours", "4 h", "1 jour 12 h" — for pages.</summary>
    public static string Describe(string text)
    {
        if (!TryParse(text, out var d)) return text;
        var parts = new List<string>();
        if (d.Days > 0) parts.Add(d.Days == 1 ? "1 jour" : $"{d.Days} jours");
        if (d.Hours > 0) parts.Add($"{d.Hours} h");
        if (d.Minutes > 0) parts.Add($"{d.Minutes} min");
        if (d.Seconds > 0) parts.Add($"{d.Seconds} s");
        return parts.Count == 0 ? "immédiatement" : string.Join(" ", parts);
    }
}
