using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Formation.Benchmarks.Dataset;

namespace Formation.Benchmarks.Measuring;

/// <summary>The machine a run measured, as docs/benchmarks.md records it.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal)) is { } line
                ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0:F1} GiB"
                : "?"
            : "?";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "?"
            : RuntimeInformation.OSDescription;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory} RAM, {os} (Linux {kernel}), {RuntimeInformation.FrameworkDescription}, " +
               $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC";
    }
}

/// <summary>The Markdown report of a search run: every round, then the better round of each measurement.</summary>
public static class Report
{
    private static string Ms(double value) => Latency.Ms(value);
    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "—" : (a / b).ToString("0.0", CultureInfo.InvariantCulture) + "×";

    public static string Markdown(Options options, DatasetInfo dataset, IReadOnlyList<RoundFigures> rounds, string? postgresVersion, double? postgresLoadSeconds,
        long? postgresBytes, int segments, DateTimeOffset started)
    {
        var md = new StringBuilder();
        md.AppendLine($"## Search benchmark — {started:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine($"- Machine: {Machine.Describe()}");
        md.AppendLine($"- Dataset: {dataset.Modules:N0} generated modules (seed {dataset.Seed}, generator v{dataset.GeneratorVersion}); by owner: " +
                      string.Join(", ", dataset.ByOwner.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value:N0}")) +
                      $"; SQLite {dataset.DatabaseBytes / 1048576.0:N0} MiB, index {dataset.IndexBytes / 1048576.0:N0} MiB in {segments} segments " +
                      $"(stored in {dataset.InsertSeconds:N0} s, indexed in {dataset.IndexSeconds:N0} s)");
        md.AppendLine($"- Portal searched: `{SearchBenchmark.PortalHost}` (curation by themes); iterations per measurement: up to {options.Iterations} after {options.Warmup} warm-up runs, " +
                      $"{options.SecondsPerMeasurement:0} s at most (PostgreSQL: {options.SecondsPerPostgresMeasurement:0} s at most, 10 runs at least)");
        if (postgresVersion is not null)
            md.AppendLine($"- PostgreSQL: {postgresVersion}, table + indexes {postgresBytes / 1048576.0:N0} MiB{(postgresLoadSeconds is { } s ? $", loaded in {s:N0} s" : " (reused)")}; " +
                          $"settings {string.Join(", ", ThrowawayPostgres.Settings.Where(x => !x.StartsWith("listen", StringComparison.Ordinal)))}");
        md.AppendLine();
        foreach (var round in rounds) AppendRound(md, $"Round {round.Number} (load average before {round.LoadBefore}, after {round.LoadAfter})", round.Queries, round);
        if (rounds.Count > 1)
        {
            // Per query, the round whose HTTP p95 is lower (HTTP and index were interleaved, so they stay paired); PostgreSQL's better round apart.
            var best = new RoundFigures(0);
            foreach (var name in rounds[0].Queries.Select(q => q.Query.Name))
            {
                var lucene = rounds.Select(r => r.Queries.Single(q => q.Query.Name == name)).MinBy(q => q.Http.P95)!;
                var postgres = rounds.Select(r => r.Queries.Single(q => q.Query.Name == name)).MinBy(q => q.PostgresFull.Count == 0 ? double.MaxValue : q.PostgresFull.P95)!;
                best.Queries.Add(Merge(lucene, postgres));
            }
            AppendRound(md, "Better of the rounds", best.Queries, null);
        }
        return md.ToString();
    }

    private static QueryFigures Merge(QueryFigures lucene, QueryFigures postgres)
    {
        var merged = new QueryFigures(lucene.Query) { Total = lucene.Total, ResponseBytes = lucene.ResponseBytes, PostgresTotal = postgres.PostgresTotal };
        void Copy(Latency from, Latency to) { foreach (var ms in from.Samples) to.AddMilliseconds(ms); }
        Copy(lucene.Http, merged.Http); Copy(lucene.Raw, merged.Raw); Copy(lucene.Parse, merged.Parse); Copy(lucene.Pass, merged.Pass);
        Copy(lucene.Highlights, merged.Highlights); Copy(lucene.MatchPass, merged.MatchPass); Copy(lucene.TopHits, merged.TopHits); Copy(lucene.CurationFilter, merged.CurationFilter); Copy(lucene.TolerantPass, merged.TolerantPass);
        Copy(postgres.PostgresFull, merged.PostgresFull); Copy(postgres.PostgresTop, merged.PostgresTop);
        return merged;
    }

    private static void AppendRound(StringBuilder md, string title, IReadOnlyList<QueryFigures> queries, RoundFigures? round)
    {
        md.AppendLine($"### {title}");
        md.AppendLine();
        md.AppendLine("Latency in ms. *HTTP*: `GET /api/search` on the portal, through Kestrel on 127.0.0.1, body read. *Index*: `SearchIndex.Search` in the same process " +
                      "(text, curation, facet counts, highlights). *PostgreSQL*: one statement returning the same (top 20 by `ts_rank`, count, facet counts, `ts_headline`).");
        md.AppendLine();
        md.AppendLine("| query | matches (Lucene / PG) | HTTP p50 | HTTP p95 | HTTP p99 | index p50 | index p95 | index p99 | HTTP/index p95 | PG p50 | PG p95 | PG/index p95 | PG/HTTP p95 | runs (HTTP, PG) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var q in queries)
            md.AppendLine($"| {q.Query.Name}: {Escape(q.Query.Description)} | {q.Total:N0} / {(q.PostgresTotal is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "—")} | " +
                          $"{Ms(q.Http.P50)} | {Ms(q.Http.P95)} | {Ms(q.Http.P99)} | {Ms(q.Raw.P50)} | {Ms(q.Raw.P95)} | {Ms(q.Raw.P99)} | {Ratio(q.Http.P95, q.Raw.P95)} | " +
                          $"{Ms(q.PostgresFull.P50)} | {Ms(q.PostgresFull.P95)} | {Ratio(q.PostgresFull.P95, q.Raw.P95)} | {Ratio(q.PostgresFull.P95, q.Http.P95)} | {q.Http.Count}, {q.PostgresFull.Count} |");
        md.AppendLine();
        md.AppendLine("Where the index's time goes (each step of `SearchIndex.Search` timed alone on a reader of the same index; p50 / p95), and PostgreSQL without facets and highlights:");
        md.AppendLine();
        md.AppendLine("| query | parse | one pass: top 20 + facet counts | stored fields + highlights | sum of p50 | PG top 20 + count (no facets) | PG top20/index top 20 p95 | diagnostic: matching only | diagnostic: top 20 alone (no facets) | diagnostic: curation evaluated without cache | diagnostic: pass tolerating typos (when < 20 exact matches) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var q in queries)
            md.AppendLine($"| {q.Query.Name} | {Ms(q.Parse.P50)} / {Ms(q.Parse.P95)} | {Ms(q.Pass.P50)} / {Ms(q.Pass.P95)} | " +
                          $"{Ms(q.Highlights.P50)} / {Ms(q.Highlights.P95)} | {Ms(q.Parse.P50 + q.Pass.P50 + q.Highlights.P50)} | " +
                          $"{Ms(q.PostgresTop.P50)} / {Ms(q.PostgresTop.P95)} | {Ratio(q.PostgresTop.P95, q.TopHits.P95)} | " +
                          $"{Ms(q.MatchPass.P50)} / {Ms(q.MatchPass.P95)} | {Ms(q.TopHits.P50)} / {Ms(q.TopHits.P95)} | {Ms(q.CurationFilter.P50)} / {Ms(q.CurationFilter.P95)} | " +
                          (q.TolerantPass.Count == 0 ? "— |" : $"{Ms(q.TolerantPass.P50)} / {Ms(q.TolerantPass.P95)} |"));
        md.AppendLine();
        if (round is null) return;
        md.AppendLine("Around the index (in process, one DI scope each, as a request has):");
        md.AppendLine();
        md.AppendLine("| part | p50 | p95 | p99 |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine($"| curation read (`ICatalogReader.GetCurationAsync`, SQLite), once per search and catalogue home | {Ms(round.Curation.P50)} | {Ms(round.Curation.P95)} | {Ms(round.Curation.P99)} |");
        md.AppendLine($"| the 6 newest modules (`GetPublishedManyAsync`, SQLite) for the catalogue home | {Ms(round.NewestModules.P50)} | {Ms(round.NewestModules.P95)} | {Ms(round.NewestModules.P99)} |");
        md.AppendLine($"| catalogue home figures (`SearchCatalogOverview.GetAsync`: all of the above + match-all search) | {Ms(round.Overview.P50)} | {Ms(round.Overview.P95)} | {Ms(round.Overview.P99)} |");
        md.AppendLine();
        md.AppendLine("Pages, one request at a time (HTTP through Kestrel; body size):");
        md.AppendLine();
        md.AppendLine("| page | path | bytes | p50 | p95 | p99 |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var page in round.Pages)
            md.AppendLine($"| {page.Name} | `{page.Path}` | {page.Bytes:N0} | {Ms(page.Latency.P50)} | {Ms(page.Latency.P95)} | {Ms(page.Latency.P99)} |");
        md.AppendLine();
    }

    private static string Escape(string text) => text.Replace("|", "\\|");
}
