using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Formation.NationalCatalog.Import;

public sealed record RejectedRow(string File, long Line, string Reason);

/// <summary>What the catalogue holds for a training before a sync: enough to tell new, changed, unchanged.</summary>
public readonly record struct StoredTraining(UInt128 TextHash, UInt128 ContentHash, bool Withdrawn, bool Relevant);

/// <summary>A training of the new snapshot: its rows merged. Its text is in the staging file when it must be written.</summary>
public sealed class FormationAggregate
{
    public UInt128 TextHash;
    public long StagingOffset = -1;
    public bool Relevant;
    public string? DataDate;
    public List<(string Code, string Name)> Departements = [];
    public List<(string Code, string Name)> Regions = [];
    public bool DistanceLearning;
    public decimal? HoursMin, HoursMax, PriceMin, PriceMax;
    public int Actions, ActiveSessions, DistanceSessions;

    public int? HoursMinValue => HoursMin is { } h ? (int)Math.Round(h) : null;
    public int? HoursMaxValue => HoursMax is { } h ? (int)Math.Round(h) : null;
    public long? PriceMinCents => PriceMin is { } p ? (long)Math.Round(p * 100) : null;
    public long? PriceMaxCents => PriceMax is { } p ? (long)Math.Round(p * 100) : null;

    public string? DepartementsText => Join(Departements);
    public string? RegionsText => Join(Regions);

    private static string? Join(List<(string Code, string Name)> places) =>
        places.Count == 0 ? null : string.Join(';', places.OrderBy(p => p.Code, StringComparer.Ordinal).Select(p => p.Code + "|" + p.Name));

    /// <summary>The text hash and everything merged from the rows: equal means nothing shown has changed.</summary>
    public UInt128 ContentHash()
    {
        var hash = new XxHash128();
        Span<byte> buffer = stackalloc byte[16];
        MemoryMarshal.Write(buffer, in TextHash);
        hash.Append(buffer);
        var text = string.Join('\u001f', DepartementsText, RegionsText, DistanceLearning, HoursMinValue, HoursMaxValue, PriceMinCents, PriceMaxCents, Actions, ActiveSessions, DistanceSessions);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
        return hash.GetCurrentHashAsUInt128();
    }
}

/// <summary>
/// Turns export rows into trainings, one row at a time: rows are grouped per <c>numero_formation</c> in a small
/// aggregate (places, ranges, hashes); a training's full text is written to a staging file only when it is new or its
/// text changed, so memory stays bounded whatever the file size. Nothing touches the catalogue here.
/// </summary>
public sealed class SnapshotBuilder(IReadOnlyDictionary<string, StoredTraining> stored, RelevanceRules.Matcher rules, Stream staging, int rejectsKept)
{
    private static readonly (Col Column, string Name)[] NumberColumns =
        CatalogueColumns.Numbers.Select(c => (c, CatalogueColumns.Names[c][0])).ToArray();

    private readonly BinaryWriter _staging = new(staging, System.Text.Encoding.UTF8, leaveOpen: true);
    private readonly XxHash128 _hash = new();
    private readonly decimal?[] _numbers = new decimal?[Enum.GetValues<Col>().Length];
    private string _file = "";

    public Dictionary<string, FormationAggregate> Formations { get; } = new(StringComparer.Ordinal);
    public List<RejectedRow> Rejects { get; } = [];
    public int RejectedCount { get; private set; }
    public long RowsRead { get; private set; }

    public void StartFile(string name) => _file = name;

    public void Accept(RawRow row)
    {
        RowsRead++;
        if (row.Malformed is { } malformed) { Reject(row, $"ligne mal formée : {malformed}"); return; }
        var numero = row.Get(Col.NumeroFormation);
        if (numero is null) { Reject(row, "numero_formation est vide"); return; }
        if (numero.Length > 200) { Reject(row, "numero_formation dépasse 200 caractères"); return; }
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

        if (!Formations.TryGetValue(numero, out var formation))
        {
            var title = row.Get(Col.Title);
            if (title is null) { Reject(row, "intitule_formation est vide"); return; }
            var siret = RowValues.Siret(row.Span(Col.Siret));
            if (siret is null && !row.Span(Col.Siret).IsEmpty) { Reject(row, $"siret_of : « {Shorten(row.Get(Col.Siret))} » n'est pas un SIRET (14 chiffres)"); return; }
            // The number starts with the provider's SIRET: the fallback when the column is empty.
            siret ??= numero.Length > 14 && numero[14] == '_' ? RowValues.Siret(numero.AsSpan(0, 14)) : null;

            formation = new FormationAggregate { TextHash = HashText(row), DataDate = row.Get(Col.DataDate) };
            var text = ReadText(row, title, siret);
            formation.Relevant = rules.IsRelevant(text.CodeRncp, text.CodeRs, text.Formacodes, text.NsfCodes, text.Title, text.CertificationTitle);
            if (!stored.TryGetValue(numero, out var before) || before.TextHash != formation.TextHash)
            {
                formation.StagingOffset = staging.Position;
                text.Write(_staging);
                _staging.Flush();
            }
            Formations.Add(numero, formation);
        }
        Merge(formation, row, departement, region);
    }

    private void Merge(FormationAggregate formation, RawRow row, string? departement, string? region)
    {
        if (departement is null) formation.DistanceLearning = true;
        else if (!formation.Departements.Exists(d => d.Code == departement))
            formation.Departements.Add((departement, row.Get(Col.DepartementName) ?? Territories.Departements.GetValueOrDefault(departement, departement)));
        if (region is not null && !formation.Regions.Exists(r => r.Code == region))
            formation.Regions.Add((region, row.Get(Col.RegionName) ?? Territories.Regions.GetValueOrDefault(region, region)));
        formation.HoursMin = Min(formation.HoursMin, _numbers[(int)Col.HoursMin]);
        formation.HoursMax = Max(formation.HoursMax, _numbers[(int)Col.HoursMax] ?? _numbers[(int)Col.HoursMin]);
        formation.PriceMin = Min(formation.PriceMin, _numbers[(int)Col.PriceMin]);
        formation.PriceMax = Max(formation.PriceMax, _numbers[(int)Col.PriceMax] ?? _numbers[(int)Col.PriceMin]);
        formation.Actions += (int)(_numbers[(int)Col.Actions] ?? 0);
        formation.ActiveSessions += (int)(_numbers[(int)Col.ActiveSessions] ?? 0);
        formation.DistanceSessions += (int)(_numbers[(int)Col.DistanceSessions] ?? 0);
    }

    private static decimal? Min(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static decimal? Max(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

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

    private static TrainingText ReadText(RawRow row, string title, string? siret)
    {
        static string? Join(params string?[] values) { var kept = values.Where(v => v is not null).Distinct().ToArray(); return kept.Length == 0 ? null : string.Join(' ', kept); }
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
            Formacodes = Join(RowValues.Code(row.Span(Col.Formacode1)), RowValues.Code(row.Span(Col.Formacode2)), RowValues.Code(row.Span(Col.Formacode3)),
                RowValues.Code(row.Span(Col.Formacode4)), RowValues.Code(row.Span(Col.Formacode5))),
            FormacodeLabel = row.Get(Col.FormacodeLabel),
            NsfCodes = Join(RowValues.Code(row.Span(Col.Nsf1)), RowValues.Code(row.Span(Col.Nsf2)), RowValues.Code(row.Span(Col.Nsf3))),
            NsfLabels = JoinLabels(row.Get(Col.NsfLabel1), row.Get(Col.NsfLabel2), row.Get(Col.NsfLabel3)),
            RomeCodes = Join(row.Get(Col.Rome1), row.Get(Col.Rome2), row.Get(Col.Rome3), row.Get(Col.Rome4), row.Get(Col.Rome5)),
            HighlightsHtml = TrainingHtml.Clean(row.Get(Col.Highlights)),
            ObjectivesHtml = TrainingHtml.Clean(row.Get(Col.Objectives)),
            ContentHtml = TrainingHtml.Clean(row.Get(Col.Content)),
            ResultsHtml = TrainingHtml.Clean(row.Get(Col.Results)),
        };
    }

    private void Reject(RawRow row, string reason)
    {
        RejectedCount++;
        if (Rejects.Count < rejectsKept) Rejects.Add(new RejectedRow(_file, row.Line, reason));
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;
}
