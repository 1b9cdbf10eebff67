using System.Globalization;

namespace Formation.NationalCatalog.Pages;

/// <summary>French display of ranges and amounts.</summary>
public static class Format
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static string Euros(long cents) => (cents / 100m).ToString(cents % 100 == 0 ? "#,0 €" : "#,0.00 €", French);

    public static string PriceRange(long? min, long? max) => (min, max) switch
    {
        (null, null) => "Non communiqué",
        ({ } a, { } b) when a != b => $"de {Euros(a)} à {Euros(b)} TTC",
        _ => Euros((min ?? max)!.Value) + " TTC",
    };

    public static string HoursRange(int? min, int? max) => (min, max) switch
    {
        (null, null) => "Non communiquée",
        ({ } a, { } b) when a != b => $"de {a} h à {b} h",
        _ => $"{min ?? max} h",
    };

    public static string Number(long value) => value.ToString("#,0", French);
    public static string Date(DateTimeOffset value) => value.ToOffset(TimeSpan.FromHours(1)).ToString("d MMMM yyyy 'à' HH:mm", French);
}
