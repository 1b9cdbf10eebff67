using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;

namespace Formation.NationalCatalog.Import;

/// <summary>The file cannot be imported at all (not the export, truncated, unreadable): nothing is changed.</summary>
public sealed class CatalogueFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One row as read, before normalisation: its fields by logical column, its line, or why it is malformed.</summary>
public abstract class RawRow
{
    /// <summary>Line (CSV, 1 = header) or record number (JSON) where the row starts.</summary>
    public long Line { get; protected set; }
    /// <summary>Set when the row cannot be read (wrong number of fields, unclosed quote); the other rows go on.</summary>
    public string? Malformed { get; protected set; }
    public abstract bool Has(Col column);
    /// <summary>The trimmed value, or an empty span.</summary>
    public abstract ReadOnlySpan<char> Span(Col column);
    public string? Get(Col column) { var s = Span(column); return s.IsEmpty ? null : s.ToString(); }
}

public enum CatalogueFormat { Csv, Json }

/// <summary>Reads an export, CSV (<c>;</c> or <c>,</c>, BOM or not, quoted multi-line fields) or JSON (an array of records), streaming.</summary>
public static class CatalogueReader
{
    /// <summary>JSON when the first significant character opens an array or object, CSV otherwise.</summary>
    public static CatalogueFormat Detect(Stream stream)
    {
        Span<byte> head = stackalloc byte[64];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Seek(0, SeekOrigin.Begin);
        var span = head[..read];
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        foreach (var b in span)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b is (byte)'[' or (byte)'{' ? CatalogueFormat.Json : CatalogueFormat.Csv;
        }
        throw new CatalogueFileException("Le fichier est vide.");
    }

    /// <summary>Calls <paramref name="onRow"/> for every row (the same instance, reused: read it before returning).</summary>
    public static Task ReadAsync(Stream stream, CatalogueFormat format, Action<RawRow> onRow, CancellationToken ct) =>
        format == CatalogueFormat.Json ? ReadJsonAsync(stream, onRow, ct) : Task.Run(() => ReadCsv(stream, onRow, ct), ct);

    private static void ReadCsv(Stream stream, Action<RawRow> onRow, CancellationToken ct)
    {
        using var text = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, Trim = SepTrim.All }).From(text);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CatalogueFileException("L'en-tête du fichier est illisible : ce n'est pas un export CSV du catalogue.", ex);
        }
        using (reader)
        {
            var header = reader.Header.ColNames;
            var row = new CsvRow(reader, header);
            var lastIncomplete = false;
            long lastLine = 0;
            try
            {
                foreach (var _ in reader)
                {
                    ct.ThrowIfCancellationRequested();
                    row.Next();
                    lastIncomplete = row.Malformed is not null;
                    lastLine = row.Line;
                    onRow(row);
                }
            }
            catch (DecoderFallbackException ex)
            {
                throw new CatalogueFileException($"Le fichier n'est pas en UTF-8 valide (après la ligne {lastLine}).", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not CatalogueFileException)
            {
                throw new CatalogueFileException($"Lecture du fichier interrompue après la ligne {lastLine} : {ex.Message}", ex);
            }
            // A cut download ends in the middle of a row; a complete export never does.
            if (lastIncomplete)
                throw new CatalogueFileException($"Le fichier est tronqué : sa dernière ligne (ligne {lastLine}) est incomplète. Le catalogue actuel est conservé.");
        }
    }

    private sealed class CsvRow : RawRow
    {
        private readonly SepReader _reader;
        private readonly int[] _index = new int[CatalogueColumns.Count];
        private readonly int _columns;

        public CsvRow(SepReader reader, IReadOnlyList<string> header)
        {
            _reader = reader;
            _columns = header.Count;
            Array.Fill(_index, -1);
            var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++) positions.TryAdd(header[i].Trim().TrimStart('\uFEFF'), i);
            foreach (var (col, names) in CatalogueColumns.Names)
                foreach (var name in names)
                    if (positions.TryGetValue(name, out var at)) { _index[(int)col] = at; break; }
            var missing = CatalogueColumns.Required.Where(c => _index[(int)c] < 0).Select(c => CatalogueColumns.Names[c][0]).ToList();
            if (missing.Count > 0)
                throw new CatalogueFileException($"Ce fichier n'est pas un export du catalogue : colonne(s) absente(s) : {string.Join(", ", missing)}.");
        }

        public void Next()
        {
            var current = _reader.Current;
            Line = current.LineNumberFrom;
            Malformed = null;
            var quotes = current.Span.Count('"');
            if (quotes % 2 != 0) Malformed = "guillemet non refermé";
            else if (current.ColCount != _columns) Malformed = $"{current.ColCount} champ(s) au lieu de {_columns}";
        }

        public override bool Has(Col column) => _index[(int)column] >= 0;

        public override ReadOnlySpan<char> Span(Col column)
        {
            var at = _index[(int)column];
            if (at < 0) return default;
            var current = _reader.Current;
            return at < current.ColCount ? current[at].Span : default;
        }
    }

    private static async Task ReadJsonAsync(Stream stream, Action<RawRow> onRow, CancellationToken ct)
    {
        var options = new JsonSerializerOptions { MaxDepth = 16 };
        var row = new JsonRow();
        long record = 0;
        try
        {
            await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, options, ct))
            {
                row.Next(element, ++record);
                onRow(row);
            }
        }
        catch (JsonException ex)
        {
            throw new CatalogueFileException($"Le fichier JSON est tronqué ou invalide après l'enregistrement {record} : {ex.Message} Le catalogue actuel est conservé.", ex);
        }
        if (record == 0) throw new CatalogueFileException("Le fichier JSON ne contient aucun enregistrement (un tableau d'objets est attendu).");
    }

    private sealed class JsonRow : RawRow
    {
        private readonly string?[] _values = new string?[CatalogueColumns.Count];
        private readonly bool[] _present = new bool[CatalogueColumns.Count];

        public void Next(JsonElement element, long record)
        {
            Line = record;
            Malformed = element.ValueKind == JsonValueKind.Object ? null : "l'enregistrement n'est pas un objet JSON";
            Array.Clear(_values);
            Array.Clear(_present);
            if (Malformed is not null) return;
            foreach (var (col, names) in CatalogueColumns.Names)
                foreach (var name in names)
                    if (element.TryGetProperty(name, out var value))
                    {
                        _present[(int)col] = true;
                        _values[(int)col] = value.ValueKind switch
                        {
                            JsonValueKind.String => value.GetString()?.Trim(),
                            JsonValueKind.Number => value.GetRawText(),
                            JsonValueKind.True => "true",
                            JsonValueKind.False => "false",
                            JsonValueKind.Null or JsonValueKind.Undefined => null,
                            _ => value.GetRawText(),
                        };
                        break;
                    }
            if (!_present[(int)Col.NumeroFormation]) Malformed = "champ numero_formation absent";
        }

        public override bool Has(Col column) => _present[(int)column];
        public override ReadOnlySpan<char> Span(Col column) => _values[(int)column];
    }
}
