using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Formation.Shell.Validation;

namespace Formation.Commerce;

/// <summary>Reads a seat-assignment CSV: hostile until proven otherwise (size and line limits, one e-mail column, optional header).</summary>
public static class SeatCsv
{
    public static IReadOnlyList<(int Line, string Email)> Read(Stream input)
    {
        using var limited = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (limited.Length + read > SeatLedger.MaxCsvBytes)
                throw new ValidationFailedException("Fichier", $"Le fichier dépasse {SeatLedger.MaxCsvBytes / 1024} Ko.");
            limited.Write(buffer, 0, read);
        }
        limited.Position = 0;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectDelimiter = true,
            DetectDelimiterValues = [";", ",", "\t"],
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new StreamReader(limited, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, config);
        var rows = new List<(int, string)>();
        try
        {
            while (csv.Read())
            {
                var first = csv.GetField(0) ?? "";
                // A header names its column: "email", "e-mail", "courriel", "adresse électronique"…
                if (rows.Count == 0 && csv.Parser.Row == 1 && !first.Contains('@') && IsHeader(first)) continue;
                if (rows.Count >= SeatLedger.MaxCsvLines)
                    throw new ValidationFailedException("Fichier", $"Le fichier dépasse {SeatLedger.MaxCsvLines} lignes.");
                rows.Add((csv.Parser.Row, first));
            }
        }
        catch (CsvHelperException)
        {
            throw new ValidationFailedException("Fichier", "Ce fichier n'est pas un CSV lisible.");
        }
        return rows;
    }

    private static bool IsHeader(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        return v is "email" or "e-mail" or "mail" or "courriel" or "adresse" or "adresse électronique" or "adresse electronique";
    }
}
