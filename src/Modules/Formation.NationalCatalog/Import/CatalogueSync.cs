using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Formation.NationalCatalog.Data;
using Formation.Shell.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Formation.NationalCatalog.Import;

public static class SyncLimits
{
    public const int RejectsKept = 200;
}

/// <summary>A file to import: its path, and the name shown in reports.</summary>
public sealed record SyncFile(string Path, string Name);

public sealed record SyncResult(
    long RunId, bool Succeeded, string? FailureReason, long RowsRead, int Formations, int Relevant, int Rejected,
    int Added, int Changed, int Unchanged, int Withdrawn, TimeSpan Duration, IReadOnlyList<RejectedRow> Rejects)
{
    /// <summary>How long reading the files took, the rest of <see cref="Duration"/> being the writing.</summary>
    public TimeSpan ReadTime { get; init; }

    /// <summary>The French one-paragraph summary printed by the command line and shown after a manual run.</summary>
    public string Summary => Succeeded
        ? $"Synchronisation réussie en {Duration.TotalSeconds.ToString("0.0", CultureInfo.GetCultureInfo("fr-FR"))} s : {RowsRead} ligne(s) lue(s), {Formations} formation(s), " +
          $"{Relevant} pertinente(s) pour l'ASE conservée(s), {Rejected} ligne(s) rejetée(s) ; {Added} ajoutée(s), {Changed} modifiée(s), {Unchanged} inchangée(s), {Withdrawn} retirée(s) (lecture {ReadTime.TotalSeconds.ToString("0.0", CultureInfo.GetCultureInfo("fr-FR"))} s)."
        : $"Échec de la synchronisation : {FailureReason}";
}

/// <summary>
/// Syncs the national catalogue from export files. The new snapshot is built while reading (<see cref="SnapshotBuilder"/>)
/// and written in one transaction only once every file was read to its end: a truncated or unreadable file, or one that
/// would withdraw most of the catalogue, leaves the current catalogue as it was, and the run report says why.
/// </summary>
public sealed class CatalogueSync(
    NationalCatalogDbContext db, ShellDatabase database, AppPaths paths, SyncProgress progress, RelevanceRuleStore ruleStore,
    NationalCatalogueEvents events, SyncLock syncLock, TimeProvider time, IConfiguration configuration, ILogger<CatalogueSync> logger)
{
    public const string CpfSource = "cpf";

    private double MaxWithdrawnShare => configuration.GetValue("NationalCatalog:MaxWithdrawnShare", 0.5);

    public async Task<SyncResult> SyncAsync(IReadOnlyList<SyncFile> files, string trigger, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        if (!await syncLock.Running.WaitAsync(0, ct))
            return Failed(0, "Une synchronisation est déjà en cours : attendez sa fin.", started);
        try
        {
            var run = new SyncRun { Trigger = trigger, SourceName = string.Join(", ", files.Select(f => f.Name)), Status = SyncStatus.Running, StartedUtc = time.GetUtcNow() };
            db.Runs.Add(run);
            await db.SaveChangesAsync(ct);
            progress.Set(run.Id, "Lecture", 0, 0, 0);
            SyncResult result;
            try { result = await RunAsync(run, files, started, ct); }
            catch (CatalogueFileException ex) { result = Failed(run.Id, ex.Message, started); }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Synchronisation du catalogue national {Run} interrompue", run.Id);
                result = Failed(run.Id, ex is OperationCanceledException ? "La synchronisation a été interrompue." : "Erreur inattendue : " + ex.Message, started);
            }
            await RecordAsync(run, result, CancellationToken.None);
            if (result.Succeeded) logger.LogInformation("Catalogue national : {Summary}", result.Summary);
            else logger.LogWarning("Catalogue national : {Summary}", result.Summary);
            return result;
        }
        finally
        {
            progress.Clear();
            syncLock.Running.Release();
        }
    }

    private static SyncResult Failed(long runId, string reason, Stopwatch started) =>
        new(runId, false, reason, 0, 0, 0, 0, 0, 0, 0, 0, started.Elapsed, []);

    private async Task RecordAsync(SyncRun run, SyncResult result, CancellationToken ct)
    {
        run.Status = result.Succeeded ? SyncStatus.Succeeded : SyncStatus.Failed;
        run.FinishedUtc = time.GetUtcNow();
        run.DurationMs = (long)result.Duration.TotalMilliseconds;
        run.FailureReason = result.FailureReason;
        run.RowsRead = result.RowsRead;
        run.Formations = result.Formations;
        run.Relevant = result.Relevant;
        run.Rejected = result.Rejected;
        run.Added = result.Added;
        run.Changed = result.Changed;
        run.Unchanged = result.Unchanged;
        run.Withdrawn = result.Withdrawn;
        run.RejectsJson = JsonSerializer.Serialize(result.Rejects.Select(r => new { file = r.File, line = r.Line, reason = r.Reason }));
        await db.SaveChangesAsync(ct);
    }

    private async Task<SyncResult> RunAsync(SyncRun run, IReadOnlyList<SyncFile> files, Stopwatch started, CancellationToken ct)
    {
        var stored = await LoadStoredAsync(ct);
        var rules = (await ruleStore.GetAsync(ct)).Compile();
        var stagingPath = Path.Combine(paths.Folder("national-catalogue", "staging"), $"run-{run.Id}-{Guid.NewGuid():N}.bin");
        try
        {
            await using var staging = new FileStream(stagingPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            var builder = new SnapshotBuilder(stored, rules, staging, SyncLimits.RejectsKept);
            long totalBytes = files.Sum(f => new FileInfo(f.Path).Length), doneBytes = 0;
            foreach (var file in files)
            {
                await using var input = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var format = CatalogueReader.Detect(input);
                builder.StartFile(file.Name);
                var before = doneBytes;
                var length = input.Length;
                await CatalogueReader.ReadAsync(input, format, row =>
                {
                    builder.Accept(row);
                    if ((builder.RowsRead & 4095) == 0) progress.Set(run.Id, "Lecture", before + input.Position, totalBytes, builder.RowsRead);
                    // Each row leaves short-lived strings behind, which the server GC lets pile up; collecting the young
                    // generations every 32,768 rows (a few ms each) bounds them. The peak still depends on the GC mode:
                    // see docs/benchmarks.md (the workstation GC keeps the command-line sync under 300 MB).
                    if ((builder.RowsRead & 32767) == 0) GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                }, ct);
                doneBytes += length;
            }
            if (builder.Formations.Count == 0)
                throw new CatalogueFileException(builder.RowsRead == 0 ? "Le fichier ne contient aucune ligne de données." : $"Aucune des {builder.RowsRead} ligne(s) n'est valide ; le catalogue actuel est conservé.");

            var active = stored.Count(s => !s.Value.Withdrawn);
            var withdrawn = stored.Where(s => !s.Value.Withdrawn && !builder.Formations.ContainsKey(s.Key)).Select(s => s.Key).ToList();
            if (active >= 20 && withdrawn.Count > active * MaxWithdrawnShare)
                throw new CatalogueFileException($"Le fichier retirerait {withdrawn.Count} des {active} formations actuelles : il est sans doute incomplet. Le catalogue actuel est conservé.");

            var readTime = started.Elapsed;
            progress.Set(run.Id, "Enregistrement", 0, builder.Formations.Count, builder.RowsRead);
            await staging.FlushAsync(ct);
            staging.Position = 0;
            var counts = await ApplyAsync(run.Id, builder, stored, withdrawn, staging, ct);
            var relevant = await db.Trainings.CountAsync(t => t.Relevant && !t.Withdrawn, ct);
            return new SyncResult(run.Id, true, null, builder.RowsRead, builder.Formations.Count, relevant, builder.RejectedCount,
                counts.Added, counts.Changed, counts.Unchanged, withdrawn.Count, started.Elapsed, builder.Rejects) { ReadTime = readTime };
        }
        finally
        {
            try { File.Delete(stagingPath); } catch (IOException) { }
        }
    }

    private async Task<Dictionary<string, StoredTraining>> LoadStoredAsync(CancellationToken ct)
    {
        var stored = new Dictionary<string, StoredTraining>(StringComparer.Ordinal);
        var connection = database.Connection;
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = database.Transaction;
        command.CommandText = $"""SELECT "NumeroFormation", "TextHash", "ContentHash", "Withdrawn", "Relevant", "HasDetails" FROM {NationalCatalogDbContext.TrainingTable} WHERE "Source" = '{CpfSource}'""";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            stored[reader.GetString(0)] = new StoredTraining(ParseHash(reader.GetString(1)), ParseHash(reader.GetString(2)), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5));
        return stored;
    }

    internal static UInt128 ParseHash(string hex) => UInt128.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) ? value : UInt128.Zero;
    internal static string FormatHash(UInt128 hash) => hash.ToString("x32", CultureInfo.InvariantCulture);

    private const string Columns = """
        "NumeroFormation", "Source", "Title", "OrganisationName", "Siret", "CertificationType", "CodeRncp", "CodeRs", "CertificationTitle", "Level",
        "CodeCertifinfo", "Formacodes", "FormacodeLabel", "NsfCodes", "NsfLabels", "RomeCodes", "HighlightsHtml", "ObjectivesHtml", "ContentHtml", "ResultsHtml",
        "Departements", "Regions", "DistanceLearning", "HoursMin", "HoursMax", "PriceMinCents", "PriceMaxCents", "Actions", "ActiveSessions", "DistanceSessions",
        "DataDate", "TextHash", "ContentHash", "Relevant", "Withdrawn", "FirstRunId", "ChangedRunId", "CpfEligible", "HasDetails"
        """;

    internal static readonly string UpsertSql =
        $"INSERT INTO {NationalCatalogDbContext.TrainingTable} ({Columns}) VALUES ({string.Join(", ", Enumerable.Range(0, 39).Select(i => "@p" + i))}) " +
        """ON CONFLICT ("NumeroFormation") DO UPDATE SET """ +
        string.Join(", ", Columns.Split(',').Select(c => c.Trim()).Where(c => c is not "\"NumeroFormation\"" and not "\"FirstRunId\"").Select(c => $"{c} = excluded.{c}"));

    private static readonly string AggregateSql =
        $"""UPDATE {NationalCatalogDbContext.TrainingTable} SET "Departements" = @p1, "Regions" = @p2, "DistanceLearning" = @p3, "HoursMin" = @p4, "HoursMax" = @p5, """ +
        """ "PriceMinCents" = @p6, "PriceMaxCents" = @p7, "Actions" = @p8, "ActiveSessions" = @p9, "DistanceSessions" = @p10, "DataDate" = @p11, """ +
        """ "ContentHash" = @p12, "Relevant" = @p13, "Withdrawn" = @p14, "ChangedRunId" = @p15 WHERE "NumeroFormation" = @p0""";

    private static readonly string RelevanceSql = $"""UPDATE {NationalCatalogDbContext.TrainingTable} SET "Relevant" = @p1 WHERE "NumeroFormation" = @p0""";
    private static readonly string WithdrawSql = $"""UPDATE {NationalCatalogDbContext.TrainingTable} SET "Withdrawn" = @p1, "ChangedRunId" = @p2 WHERE "NumeroFormation" = @p0""";

    internal static object?[] UpsertValues(string numero, string source, TrainingText text, FormationAggregate f, PlaceTable places, long firstRun, long run, string textHash, string contentHash) =>
    [
        numero, source, text.Title, text.OrganisationName, text.Siret, text.CertificationType, text.CodeRncp, text.CodeRs, text.CertificationTitle, text.Level,
        text.CodeCertifinfo, text.Formacodes, text.FormacodeLabel, text.NsfCodes, text.NsfLabels, text.RomeCodes, text.HighlightsHtml, text.ObjectivesHtml, text.ContentHtml, text.ResultsHtml,
        places.Text(f.Departements), StripRegion(places.Text(f.Regions)), f.DistanceLearning, f.HoursMinValue, f.HoursMaxValue, f.PriceMinCents, f.PriceMaxCents, f.Actions, f.ActiveSessions, f.DistanceSessions,
        f.DataDate, textHash, contentHash, f.Relevant, false, firstRun, run, source == CpfSource, f.Relevant,
    ];

    /// <summary>Régions share the place table with départements under an "r" prefix (their codes overlap).</summary>
    private static string? StripRegion(string? regions) => regions?.Replace(";r", ";").TrimStart('r');

    private async Task<(int Added, int Changed, int Unchanged)> ApplyAsync(long runId, SnapshotBuilder builder, Dictionary<string, StoredTraining> stored,
        List<string> withdrawn, Stream staging, CancellationToken ct)
    {
        int added = 0, changed = 0, unchanged = 0, written = 0;
        using var reader = new BinaryReader(staging, System.Text.Encoding.UTF8, leaveOpen: true);
        var affected = false;
        await database.InTransactionAsync(async () =>
        {
            await using var writer = new BulkWriter(database.Connection, database.Transaction);
            foreach (var (numero, formation) in builder.Formations)
            {
                var content = formation.ContentHash(builder.Places);
                var known = stored.TryGetValue(numero, out var before);
                if (known && !before.Withdrawn && before.ContentHash == content)
                {
                    unchanged++;
                    if (before.Relevant != formation.Relevant) affected = true;
                    // Unchanged, but shown now without its long texts (the rules changed): they are written.
                    if (formation.StagingOffset < 0)
                    {
                        if (before.Relevant != formation.Relevant) await writer.AddAsync(RelevanceSql, [numero, formation.Relevant], ct);
                        continue;
                    }
                }
                else
                {
                    if (!known || before.Withdrawn) added++; else changed++;
                    affected = true;
                }
                if (formation.StagingOffset >= 0)
                {
                    staging.Position = formation.StagingOffset;
                    var text = TrainingText.Read(reader);
                    await writer.AddAsync(UpsertSql, UpsertValues(numero, CpfSource, text, formation, builder.Places, runId, runId, FormatHash(formation.TextHash), FormatHash(content)), ct);
                }
                else
                {
                    await writer.AddAsync(AggregateSql,
                    [
                        numero, builder.Places.Text(formation.Departements), StripRegion(builder.Places.Text(formation.Regions)), formation.DistanceLearning, formation.HoursMinValue, formation.HoursMaxValue,
                        formation.PriceMinCents, formation.PriceMaxCents, formation.Actions, formation.ActiveSessions, formation.DistanceSessions, formation.DataDate,
                        FormatHash(content), formation.Relevant, false, runId,
                    ], ct);
                }
                if ((++written & 1023) == 0) progress.Set(runId, "Enregistrement", added + changed + unchanged, builder.Formations.Count, builder.RowsRead);
            }
            foreach (var numero in withdrawn) await writer.AddAsync(WithdrawSql, [numero, true, runId], ct);
            await writer.FlushAsync(ct);
            if (affected || withdrawn.Count > 0) await events.CatalogueChangedAsync(ct);
        }, ct);
        return (added, changed, unchanged);
    }
}
