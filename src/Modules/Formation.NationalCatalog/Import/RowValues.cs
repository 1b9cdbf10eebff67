using System.Globalization;

namespace Formation.NationalCatalog.Import;

/// <summary>How raw export values become stored ones: codes as strings, "-1" as absent, numbers checked.</summary>
public static class RowValues
{
    /// <summary>A code: null when empty or "-1"; "30801.0" (a code once read as a number) becomes "30801".</summary>
    public static string? Code(ReadOnlySpan<char> raw)
    {
        raw = raw.Trim();
        if (raw.IsEmpty || raw.SequenceEqual("-1") || raw.SequenceEqual("-1.0") || raw.Equals("nan", StringComparison.OrdinalIgnoreCase)) return null;
        if (raw.EndsWith(".0") && raw[..^2].ContainsOnlyDigits()) raw = raw[..^2];
        return raw.ToString();
    }

    /// <summary>A département code: numbers on two digits at least ("1" → "01"), Corsica's 2A/2B kept.</summary>
    public static string? Departement(ReadOnlySpan<char> raw)
    {
        var code = Code(raw);
        if (code is null) return null;
        code = code.ToUpperInvariant();
        return code.Length == 1 && char.IsAsciiDigit(code[0]) ? "0" + code : code;
    }

    /// <summary>A SIRET: 14 digits (leading zeros restored when a number lost them), else null.</summary>
    public static string? Siret(ReadOnlySpan<char> raw)
    {
        var code = Code(raw);
        if (code is null) return null;
        code = code.Replace(" ", "");
        if (!code.AsSpan().ContainsOnlyDigits() || code.Length > 14 || code.Length < 9) return null;
        return code.PadLeft(14, '0');
    }

    /// <summary>A non-negative decimal; "-1" and empty are absent; anything else that is not a number is an error.</summary>
    public static bool TryNumber(ReadOnlySpan<char> raw, out decimal? value)
    {
        value = null;
        raw = raw.Trim();
        if (raw.IsEmpty || raw.Equals("nan", StringComparison.OrdinalIgnoreCase)) return true;
        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            // Some exports write decimals with a comma.
            if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.GetCultureInfo("fr-FR"), out number)) return false;
        }
        if (number < 0) return true;
        value = number;
        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        if (span.IsEmpty) return false;
        foreach (var c in span) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
