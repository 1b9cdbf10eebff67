using Formation.NationalCatalog.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog;

public sealed record Place(string Code, string Name);

/// <summary>A national training as pages, the API and the search index see it.</summary>
public sealed record NationalTrainingDto
{
    public required string NumeroFormation { get; init; }
    public required string Source { get; init; }
    public required string Title { get; init; }
    public string? OrganisationName { get; init; }
    public string? Siret { get; init; }
    public string? CertificationType { get; init; }
    public string? CertificationCode { get; init; }
    public string? CertificationTitle { get; init; }
    public string? Level { get; init; }
    public IReadOnlyList<string> Formacodes { get; init; } = [];
    public IReadOnlyList<string> NsfCodes { get; init; } = [];
    public string? HighlightsHtml { get; init; }
    public string? ObjectivesHtml { get; init; }
    public string? ContentHtml { get; init; }
    public string? ResultsHtml { get; init; }
    public IReadOnlyList<Place> Departements { get; init; } = [];
    public IReadOnlyList<Place> Regions { get; init; } = [];
    public bool DistanceLearning { get; init; }
    public int? HoursMin { get; init; }
    public int? HoursMax { get; init; }
    public long? PriceMinCents { get; init; }
    public long? PriceMaxCents { get; init; }
    public int Actions { get; init; }
    public int ActiveSessions { get; init; }
    public string? DataDate { get; init; }
    /// <summary>Eligible to the CPF: every training of the CPF export is; an LHEO one when it says so.</summary>
    public bool CpfEligible { get; init; }
    /// <summary>False for a training shown since a rule change, until the next sync brings its long texts.</summary>
    public bool HasDetails { get; init; }

    public static NationalTrainingDto From(NationalTraining t) => new()
    {
        NumeroFormation = t.NumeroFormation, Source = t.Source, Title = t.Title, OrganisationName = t.OrganisationName, Siret = t.Siret,
        CertificationType = t.CertificationType,
        CertificationCode = t.CodeRncp is not null ? "RNCP" + t.CodeRncp : t.CodeRs is not null ? "RS" + t.CodeRs : null,
        CertificationTitle = t.CertificationTitle, Level = t.Level,
        Formacodes = Split(t.Formacodes), NsfCodes = Split(t.NsfCodes),
        HighlightsHtml = t.HighlightsHtml, ObjectivesHtml = t.ObjectivesHtml, ContentHtml = t.ContentHtml, ResultsHtml = t.ResultsHtml,
        Departements = Places(t.Departements), Regions = Places(t.Regions), DistanceLearning = t.DistanceLearning,
        HoursMin = t.HoursMin, HoursMax = t.HoursMax, PriceMinCents = t.PriceMinCents, PriceMaxCents = t.PriceMaxCents,
        Actions = t.Actions, ActiveSessions = t.ActiveSessions, DataDate = t.DataDate,
        CpfEligible = t.CpfEligible, HasDetails = t.HasDetails,
    };

    private static string[] Split(string? codes) => string.IsNullOrEmpty(codes) ? [] : codes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static List<Place> Places(string? text) => string.IsNullOrEmpty(text) ? [] :
        text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('|', 2)).Select(p => new Place(p[0], p.Length > 1 ? p[1] : p[0])).ToList();
}

/// <summary>Reads the national trainings the platform shows: relevant to the ASE and not withdrawn.</summary>
public sealed class NationalCatalogue(NationalCatalogDbContext db)
{
    public async Task<NationalTrainingDto?> FindShownAsync(string numeroFormation, CancellationToken ct = default)
    {
        var training = await db.Trainings.AsNoTracking().FirstOrDefaultAsync(t => t.NumeroFormation == numeroFormation && t.Relevant && !t.Withdrawn, ct);
        return training is null ? null : NationalTrainingDto.From(training);
    }

    /// <summary>Every shown training, streamed (the search index).</summary>
    public async IAsyncEnumerable<NationalTrainingDto> StreamShownAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var t in db.Trainings.AsNoTracking().Where(t => t.Relevant && !t.Withdrawn).OrderBy(t => t.NumeroFormation).AsAsyncEnumerable().WithCancellation(ct))
            yield return NationalTrainingDto.From(t);
    }

    public Task<int> CountShownAsync(CancellationToken ct = default) => db.Trainings.CountAsync(t => t.Relevant && !t.Withdrawn, ct);
}
