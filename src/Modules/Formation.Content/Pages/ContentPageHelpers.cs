using System.Globalization;

namespace Formation.Content.Pages;

/// <summary>Dates as the portal's readers and editors see them (Paris time).</summary>
public static class ParisTime
{
    private static readonly TimeZoneInfo Zone = FindZone();
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static TimeZoneInfo FindZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    public static string Date(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).ToString("d MMMM yyyy", French);
    public static string DateTime(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).ToString("d MMMM yyyy 'à' HH'h'mm", French);

    /// <summary>The value of a datetime-local input.</summary>
    public static string? Input(DateTimeOffset? utc) => utc is { } u ? TimeZoneInfo.ConvertTime(u, Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : null;

    /// <summary>A datetime-local input's value read as Paris time.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!System.DateTime.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            throw new Formation.Shell.Validation.ValidationFailedException("PublishUtc", "Date invalide : utilisez le format jj/mm/aaaa hh:mm.");
        var offset = Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
