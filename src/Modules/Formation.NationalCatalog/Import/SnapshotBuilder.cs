using System.IO.Hashing;
using System.Runtime.InteropServices;
using Formation.Shell.Places;

namespace Formation.NationalCatalog.Import;

public sealed record RejectedRow(string File, long Line, string Reason);

/// <summary>What the catalogue holds for a training before a sync: enough to tell new, changed, unchanged.</summary>
public readonly record struct StoredTraining(UInt128 TextHash, UInt128 ContentHash, bool Withdrawn, bool Relevant, bool HasDetails);

/// <summary>The places met in a file, each stored once: trainings keep their indexes.</summary>
public sealed class PlaceTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<(string Code, string Name)> _places = [];

    public int IndexOf(string code, ReadOnlySpan<char> name, Func<string, string> fallbackName)
    {
        var key = string.Concat(code, "|", name);
        if (_index.TryGetValue(key, out var index)) return index;
        _places.Add((code, name.IsEmpty ? fallbackName(code) : name.ToString()));
        return _index[key] = _places.Count - 1;
    }

    /// <summary><c>code|name</c> pairs joined by <c>;</c>, sorted by code, as stored.</summary>
    public string? Text(List<int>? indexes) =>
        indexes is null ? null : string.Join(';', indexes.Select(i => _places[i]).OrderBy(p => p.Code, StringComparer.Ordinal).Select(p => p.Code + "|" + p.Name));
}

/// <summary>
/// A training of the new snapshot: its rows merged, in a few dozen bytes (places are indexes into a
/// <see cref="PlaceTable"/>). Its text is in the staging file when it must be written.
/// </summary>
public sealed class FormationAggregate
{
    public UInt128 TextHash;
    public long StagingOffset = -1;
    public bool Relevant;
    public bool DistanceLearning;
    public string? DataDate;
    public List<int>? Departements;
    public List<int>? Regions;
    public int? HoursMinValue, HoursMaxValue;
    public long? PriceMinCents, PriceMaxCents;
    public int Actions, ActiveSessions, DistanceSessions;

    public static void Add(ref List<int>? places, int index)
    {
        places ??= new List<int>(2);
        if (!places.Contains(index)) places.Add(index);
    }

    /// <summary>The text hash and everything merged from the rows: equal means nothing shown has changed.</summary>
    public UInt128 ContentHash(PlaceTable places)
    {
        var hash = new XxHash128();
        Span<byte> buffer = stackalloc byte[16];
        MemoryMarshal.Write(buffer, in TextHash);
        hash.Append(buffer);
        var text = string.Join('\u001f', places.Text(Departements), places.Text(Regions), DistanceLearning, HoursMinValue, HoursMaxValue, PriceMinCents, PriceMaxCents, Actions, ActiveSessions, DistanceSessions);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
        return hash.GetCurrentHashAsUInt128();
    }
}

/// <summary>
/// Turns export rows into trainings, one row at a time: rows are grouped per <c>numero_formation</c> in a small
/// aggregate (places, ranges, hashes); a training's full text is written to a staging file only when it is new or its
/// text changed, so memory stays bounded whatever the file size. Nothing touches the catalogue here.
/// </summary>
public sealed class SnapshotBuilder(Dictionary<string, StoredTraining> stored, RelevanceRules.Matcher rules, Stream staging, int rejectsKept)
{
    private readonly Dictionary<string, StoredTraining>.AlternateLookup<ReadOnlySpan<char>> _storedBySpan = stored.GetAlternateLookup<ReadOnlySpan<char>>();
    private Dictionary<string, FormationAggregate>.AlternateLookup<ReadOnlySpan<char>> FormationsBySpan => Formations.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly (Col Column, string Name)[] NumberColumns =
        CatalogueColumns.Numbers.Select(c => (c, CatalogueColumns.Names[c][0])).ToArray();

    private readonly BinaryWriter _staging = new(staging, System.Text.Encoding.UTF8, leaveOpen: true);
    private readonly XxHash128 _hash = new();
    private readonly decimal?[] _numbers = new decimal?[Enum.GetValues<Col>().Length];
    private string _file = "";
    private string? _dataDate;

    public Dictionary<string, FormationAggregate> Formations { get; } = new(StringComparer.Ordinal);
    public PlaceTable Places { get; } = new();
    public List<RejectedRow> Rejects { get; } = [];
    public int RejectedCount { get; private set; }
    public long RowsRead { get; private set; }

    public void StartFile(string name) => _file = name;

    public void Accept(RawRow row)
    {
        RowsRead++;
        if (row.Malformed is { } malformed) { Reject(row, $"ligne mal formée : {malformed}"); return; }
        var numeroSpan = row.Span(Col.NumeroFormation);
        if (numeroSpan.IsEmpty) { Reject(row, "numero_formation est vide"); return; }
        if (numeroSpan.Length > 200) { Reject(row, "numero_formation dépasse 200 caractères"); return; }
        foreach (var (column, name) in NumberColumns)
        {
            if (!RowValues.TryNumber(row.Span(column), out var value))
            {
                Reject(row, $"{name} : « {Shorten(row.Get(column))} » n'est pas un nombre");
                return;
            }
            _numbers[(int)column] = value;
        }
        var departement = RowValues.Departement(row.Span(Col.DepartementCode));
        var region = RowValues.Code(row.Span(Col.RegionCode));
        if (region is { Length: 1 }) region = "0" + region;

        if (!FormationsBySpan.TryGetValue(numeroSpan, out var formation))
        {
            // The catalogue's own string for a known number: one string per training, not one per sync.
            var known = _storedBySpan.TryGetValue(numeroSpan, out var numero, out var before);
            numero ??= numeroSpan.ToString();
            var title = row.Get(Col.Title);
            if (title is null) { Reject(row, "intitule_formation est vide"); return; }
            var siret = RowValues.Siret(row.Span(Col.Siret));
            if (siret is null && !row.Span(Col.Siret).IsEmpty) { Reject(row, $"siret_of : « {Shorten(row.Get(Col.Siret))} » n'est pas un SIRET (14 chiffres)"); return; }
            // The number starts with the provider's SIRET: the fallback when the column is empty.
            siret ??= numero.Length > 14 && numero[14] == '_' ? RowValues.Siret(numero.AsSpan(0, 14)) : null;

            var date = row.Span(Col.DataDate);
            // Every row carries the same extraction date: one string for all.
            if (!date.SequenceEqual(_dataDate)) _dataDate = date.IsEmpty ? null : date.ToString();
            formation = new FormationAggregate { TextHash = HashText(row), DataDate = _dataDate };
            // Relevance needs only codes and titles; the full text (sanitised HTML) is built only when it must be written.
            formation.Relevant = rules.IsRelevant(RowValues.Code(row.Span(Col.CodeRncp)), RowValues.Code(row.Span(Col.CodeRs)), Formacodes(row), NsfCodes(row),
                title, row.Get(Col.CertificationTitle));
            // Long texts (highlights, objectives, content, results) are kept for the trainings shown only: about 1 % of the offer.
            if (!known || before.TextHash != formation.TextHash || (formation.Relevant && !before.HasDetails))
            {
                formation.StagingOffset = staging.Position;
                ReadText(row, title, siret, formation.Relevant).Write(_staging);
            }
            Formations.Add(numero, formation);
        }
        Merge(formation, row, departement, region);
    }

    private void Merge(FormationAggregate formation, RawRow row, string? departement, string? region)
    {
        if (departement is null) formation.DistanceLearning = true;
        else FormationAggregate.Add(ref formation.Departements, Places.IndexOf(departement, row.Span(Col.DepartementName), c => Territories.Departements.GetValueOrDefault(c, c)));
        if (region is not null) FormationAggregate.Add(ref formation.Regions, Places.IndexOf("r" + region, row.Span(Col.RegionName), c => Territories.Regions.GetValueOrDefault(c[1..], c[1..])));
        formation.HoursMinValue = Min(formation.HoursMinValue, Hours(_numbers[(int)Col.HoursMin]));
        formation.HoursMaxValue = Max(formation.HoursMaxValue, Hours(_numbers[(int)Col.HoursMax] ?? _numbers[(int)Col.HoursMin]));
        formation.PriceMinCents = Min(formation.PriceMinCents, Cents(_numbers[(int)Col.PriceMin]));
        formation.PriceMaxCents = Max(formation.PriceMaxCents, Cents(_numbers[(int)Col.PriceMax] ?? _numbers[(int)Col.PriceMin]));
        formation.Actions += (int)(_numbers[(int)Col.Actions] ?? 0);
        formation.ActiveSessions += (int)(_numbers[(int)Col.ActiveSessions] ?? 0);
        formation.DistanceSessions += (int)(_numbers[(int)Col.DistanceSessions] ?? 0);
    }

    private static int? Hours(decimal? value) => value is { } h ? (int)Math.Min(int.MaxValue, Math.Round(h)) : null;
    private static long? Cents(decimal? value) => value is { } p ? (long)Math.Round(p * 100) : null;
    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private UInt128 HashText(RawRow row)
    {
        _hash.Reset();
        ReadOnlySpan<byte> separator = [0x1f, 0];
        foreach (var column in CatalogueColumns.TextColumns)
        {
            _hash.Append(MemoryMarshal.AsBytes(row.Span(column)));
            _hash.Append(separator);
        }
        return _hash.GetCurrentHashAsUInt128();
    }

    private static string? Join(params string?[] values) { var kept = values.Where(v => v is not null).Distinct().ToArray(); return kept.Length == 0 ? null : string.Join(' ', kept); }

    private static string? Formacodes(RawRow row) => Join(RowValues.Code(row.Span(Col.Formacode1)), RowValues.Code(row.Span(Col.Formacode2)),
        RowValues.Code(row.Span(Col.Formacode3)), RowValues.Code(row.Span(Col.Formacode4)), RowValues.Code(row.Span(Col.Formacode5)));

    private static string? NsfCodes(RawRow row) => Join(RowValues.Code(row.Span(Col.Nsf1)), RowValues.Code(row.Span(Col.Nsf2)), RowValues.Code(row.Span(Col.Nsf3)));

    private static TrainingText ReadText(RawRow row, string title, string? siret, bool details)
    {
        static string? JoinLabels(params string?[] values) { var kept = values.Where(v => v is not null).Distinct().ToArray(); return kept.Length == 0 ? null : string.Join(" ; ", kept); }
        var type = row.Get(Col.CertificationType)?.ToUpperInvariant();
        return new TrainingText
        {
            Title = title,
            OrganisationName = row.Get(Col.OrganisationName),
            Siret = siret,
            CertificationType = type is "RNCP" or "RS" ? type : null,
            CodeRncp = RowValues.Code(row.Span(Col.CodeRncp)),
            CodeRs = RowValues.Code(row.Span(Col.CodeRs)),
            CertificationTitle = row.Get(Col.CertificationTitle),
            Level = row.Get(Col.Level),
            CodeCertifinfo = RowValues.Code(row.Span(Col.Certifinfo)),
            Formacodes = Formacodes(row),
            FormacodeLabel = row.Get(Col.FormacodeLabel),
            NsfCodes = NsfCodes(row),
            NsfLabels = JoinLabels(row.Get(Col.NsfLabel1), row.Get(Col.NsfLabel2), row.Get(Col.NsfLabel3)),
            RomeCodes = Join(row.Get(Col.Rome1), row.Get(Col.Rome2), row.Get(Col.Rome3), row.Get(Col.Rome4), row.Get(Col.Rome5)),
            HighlightsHtml = details ? TrainingHtml.Clean(row.Get(Col.Highlights)) : null,
            ObjectivesHtml = details ? TrainingHtml.Clean(row.Get(Col.Objectives)) : null,
            ContentHtml = details ? TrainingHtml.Clean(row.Get(Col.Content)) : null,
            ResultsHtml = details ? TrainingHtml.Clean(row.Get(Col.Results)) : null,
        };
    }

    private void Reject(RawRow row, string reason)
    {
        RejectedCount++;
        if (Rejects.Count < rejectsKept) Rejects.Add(new RejectedRow(_file, row.Line, reason));
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;
}
