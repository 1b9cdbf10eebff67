using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Formation.LrsBenchmarks;

/// <summary>
/// xAPI LRS benchmarks against the real host process:
/// <c>ingest</c> (single POST and batches of 50, 4 clients, beside a raw insert of the same rows),
/// <c>query</c> (GET /xapi/statements by verb and activity with N statements stored, p50/p95/p99),
/// <c>kill</c> (kill -9 the host during ingest, restart, check every acknowledged statement is there).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        Console.WriteLine($"xAPI LRS benchmark: {options.Command} on {options.Provider}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        return options.Command switch
        {
            "ingest" => await Ingest(options),
            "query" => await Query(options),
            "kill" => await Kill(options),
            _ => 2,
        };
    }

    // ------------------------------------------------------------------ ingest

    private static async Task<int> Ingest(Options options)
    {
        await using var host = await LrsHost.StartAsync(options, fresh: true);
        var client = host.Client();
        await PostAsync(client, Enumerable.Range(0, 200).Select(i => Statements.Make(i)).ToList());
        // Warm-up, not counted: the JIT recompiles hot code with its profile after some traffic (tiered PGO), as on a
        // server that has been running; wrk runs are warmed the same way (benchmarks/load.sh). 15 s per mode: after 5 s,
        // profiles still showed the ingest path in its instrumented tier, and runs varied by half.
        await RunClientsAsync(host, options, batch: 1, seconds: options.WarmUpSeconds, seedOffset: 500_000);
        await RunClientsAsync(host, options, batch: 50, seconds: options.WarmUpSeconds, seedOffset: 500_000);
        var singles = await RunClientsAsync(host, options, batch: 1);
        Console.WriteLine($"HTTP single POST   : {singles.Rate,8:N0} statements/s ({singles.Statements:N0} in {singles.Seconds:N1} s; p50 {singles.P50:N1} ms, p95 {singles.P95:N1} ms)");
        var batches = await RunClientsAsync(host, options, batch: 50);
        Console.WriteLine($"HTTP batches of 50 : {batches.Rate,8:N0} statements/s ({batches.Statements:N0} in {batches.Seconds:N1} s; p50 {batches.P50:N1} ms, p95 {batches.P95:N1} ms per request)");

        var rawSingle = await RawInsertAsync(host, options, perTransaction: 1);
        Console.WriteLine($"raw insert, 1/tx   : {rawSingle:N0} statements/s");
        var rawBatch = await RawInsertAsync(host, options, perTransaction: 50);
        Console.WriteLine($"raw insert, 50/tx  : {rawBatch:N0} statements/s");
        return 0;
    }

    private sealed record RunResult(long Statements, double Seconds, double P50, double P95)
    {
        public double Rate => Statements / Seconds;
    }

    private static async Task<RunResult> RunClientsAsync(LrsHost host, Options options, int batch, int? seconds = null, int seedOffset = 0)
    {
        var latencies = new ConcurrentBag<double>();
        long total = 0;
        var seed = batch * 1_000_000 + seedOffset;
        var watch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds ?? options.Seconds);
        var tasks = Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
        {
            var client = host.Client();
            var n = 0;
            while (watch.Elapsed < end)
            {
                var list = Enumerable.Range(0, batch).Select(i => Statements.Make(seed + c * 100_000_000 + n * batch + i)).ToList();
                var started = Stopwatch.GetTimestamp();
                var ok = await PostAsync(client, list);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok) Interlocked.Add(ref total, batch);
                n++;
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = watch.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new RunResult(total, elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.95));
    }

    private static async Task<bool> PostAsync(HttpClient client, List<JsonObject> statements)
    {
        JsonNode body = statements.Count == 1 ? statements[0] : new JsonArray(statements.Cast<JsonNode>().ToArray());
        using var response = await client.PostAsync("/xapi/statements", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return true;
    }

    /// <summary>The rows the LRS writes for these statements (statement + side rows), inserted directly: the database's own cost.</summary>
    private static async Task<double> RawInsertAsync(LrsHost host, Options options, int perTransaction)
    {
        long total = 0;
        var watch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(options.Seconds);
        var tasks = Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
        {
            await using var connection = host.OpenDatabase();
            await connection.OpenAsync();
            var writer = new RawWriter(connection, "bench-raw");
            var n = 0;
            while (watch.Elapsed < end)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                writer.Transaction = transaction;
                for (var i = 0; i < perTransaction; i++)
                    await writer.InsertAsync(Statements.Make(900_000_000 + perTransaction * 10_000_000 + c * 1_000_000 + n * perTransaction + i));
                await transaction.CommitAsync();
                Interlocked.Add(ref total, perTransaction);
                n++;
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        return total / watch.Elapsed.TotalSeconds;
    }

    // ------------------------------------------------------------------ query

    private static async Task<int> Query(Options options)
    {
        await using var host = await LrsHost.StartAsync(options, fresh: !options.Reuse);
        var existing = await host.CountStatementsAsync();
        if (existing < options.Statements)
        {
            Console.WriteLine($"Filling {options.Statements - existing:N0} statements (raw insert, 10,000 per transaction)…");
            var fill = Stopwatch.StartNew();
            await using var connection = host.OpenDatabase();
            await connection.OpenAsync();
            var writer = new RawWriter(connection, "plateforme");
            for (var start = existing; start < options.Statements; start += 10_000)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                writer.Transaction = transaction;
                for (var i = start; i < Math.Min(start + 10_000, options.Statements); i++) await writer.InsertAsync(Statements.Make(i));
                await transaction.CommitAsync();
            }
            Console.WriteLine($"Filled in {fill.Elapsed.TotalSeconds:N0} s.");
            if (host.Provider == "postgres")
            {
                await using var analyze = connection.CreateCommand();
                analyze.CommandText = "ANALYZE";
                await analyze.ExecuteNonQueryAsync();
            }
        }
        Console.WriteLine($"Statements stored: {await host.CountStatementsAsync():N0}");

        var client = host.Client();
        var random = new Random(42);
        string Url() => $"/xapi/statements?verb={Uri.EscapeDataString(Statements.Verb(random.Next(Statements.Verbs)))}&activity={Uri.EscapeDataString(Statements.Activity(random.Next(Statements.Activities)))}";
        for (var i = 0; i < 100; i++) await client.GetStringAsync(Url()); // warm-up

        foreach (var clients in new[] { 1, options.Clients })
        {
            var latencies = new ConcurrentBag<double>();
            var returned = 0L;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                var c = host.Client();
                for (var i = 0; i < options.Queries / clients; i++)
                {
                    string url;
                    lock (random) url = Url();
                    var started = Stopwatch.GetTimestamp();
                    var body = await c.GetStringAsync(url);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Add(ref returned, JsonNode.Parse(body)!["statements"]!.AsArray().Count);
                }
            })));
            var sorted = latencies.Order().ToArray();
            Console.WriteLine($"GET by verb+activity, {clients} client(s): p50 {Percentile(sorted, 0.5):N1} ms, p95 {Percentile(sorted, 0.95):N1} ms, p99 {Percentile(sorted, 0.99):N1} ms; "
                + $"{sorted.Length / watch.Elapsed.TotalSeconds:N0} queries/s; {returned / (double)sorted.Length:N1} statements per answer");
        }
        return 0;
    }

    // ------------------------------------------------------------------ kill

    private static async Task<int> Kill(Options options)
    {
        var failures = 0;
        for (var round = 1; round <= options.Rounds; round++)
        {
            var acknowledged = new ConcurrentBag<Guid>();
            await using (var host = await LrsHost.StartAsync(options, fresh: round == 1, keep: true))
            {
                using var stop = new CancellationTokenSource();
                var tasks = Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
                {
                    var client = host.Client();
                    var n = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        var batch = c % 2 == 0 ? 1 : 50;
                        var list = Enumerable.Range(0, batch).Select(i => Statements.Make(round * 100_000_000 + c * 10_000_000 + n * 50 + i)).ToList();
                        var ids = list.Select(s => Guid.Parse(s["id"]!.GetValue<string>())).ToList();
                        n++;
                        try
                        {
                            JsonNode body = batch == 1 ? list[0] : new JsonArray(list.Cast<JsonNode>().ToArray());
                            using var response = await client.PostAsync("/xapi/statements", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                            if (response.StatusCode == HttpStatusCode.OK) foreach (var id in ids) acknowledged.Add(id);
                        }
                        catch (HttpRequestException) { return; } // the host is gone: not acknowledged
                        catch (TaskCanceledException) { return; }
                    }
                })).ToArray();
                await Task.Delay(TimeSpan.FromSeconds(3 + round));
                host.KillHard();
                stop.Cancel();
                await Task.WhenAll(tasks);
            }
            await using (var host = await LrsHost.StartAsync(options, fresh: false, keep: round < options.Rounds))
            {
                var client = host.Client();
                var missing = 0;
                foreach (var id in acknowledged)
                {
                    using var response = await client.GetAsync($"/xapi/statements?statementId={id}");
                    if (response.StatusCode != HttpStatusCode.OK) missing++;
                }
                Console.WriteLine($"Round {round}: host killed (SIGKILL) during ingest; {acknowledged.Count:N0} statements acknowledged with 200, {acknowledged.Count - missing:N0} found after restart, {missing} missing.");
                if (missing > 0) failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>Deterministic statements: 10,000 learners, 20 verbs, 1,000 activities (each with a parent course).</summary>
internal static class Statements
{
    public const int Verbs = 20;
    public const int Activities = 1000;
    public static string Verb(int i) => $"http://formation.test/verbs/v{i}";
    public static string Activity(int i) => $"http://formation.test/activities/a{i}";

    public static JsonObject Make(long i)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), i);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), 0x5eed_1a7e_0000_0000L ^ i * 2654435761L);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new JsonObject
        {
            ["id"] = new Guid(bytes).ToString(),
            ["actor"] = new JsonObject { ["objectType"] = "Agent", ["name"] = $"Apprenant {i % 10_000}", ["mbox"] = $"mailto:apprenant{i % 10_000}@formation.test" },
            ["verb"] = new JsonObject { ["id"] = Verb((int)(i % Verbs)), ["display"] = new JsonObject { ["fr-FR"] = $"verbe {i % Verbs}" } },
            ["object"] = new JsonObject
            {
                ["objectType"] = "Activity",
                ["id"] = Activity((int)(i / Verbs % Activities)),
                ["definition"] = new JsonObject { ["name"] = new JsonObject { ["fr-FR"] = $"Activité {i / Verbs % Activities}" } },
            },
            ["result"] = new JsonObject { ["completion"] = true, ["duration"] = "PT4M12S" },
            ["context"] = new JsonObject
            {
                ["contextActivities"] = new JsonObject { ["parent"] = new JsonArray(new JsonObject { ["id"] = $"http://formation.test/courses/c{i / Verbs % Activities / 10}" }) },
            },
            ["timestamp"] = "2026-11-26T10:00:00Z",
        };
    }
}

/// <summary>The rows the LRS stores for a statement, with the same SQL, inserted without HTTP, validation or JSON handling.</summary>
internal sealed class RawWriter
{
    private readonly DbCommand _insert;
    private readonly DbCommand _link;
    private readonly string _tenant;

    public RawWriter(DbConnection connection, string tenant)
    {
        _tenant = tenant;
        _insert = connection.CreateCommand();
        _insert.CommandText = "INSERT INTO lrs_statement (\"TenantId\", \"StatementId\", \"VerbId\", \"ActivityId\", \"ActorKey\", \"AuthorityKey\", \"Registration\", \"TargetStatementId\", \"StoredTicks\", \"TimestampTicks\", \"Voided\", \"IsVoiding\", \"Json\", \"ContentHash\") "
            + "VALUES (@t, @id, @verb, @activity, @actor, @authority, NULL, NULL, @stored, @timestamp, @f, @f, @json, @hash) RETURNING \"Seq\"";
        foreach (var name in new[] { "@t", "@id", "@verb", "@activity", "@actor", "@authority", "@stored", "@timestamp", "@f", "@json", "@hash" }) Add(_insert, name);
        _link = connection.CreateCommand();
        _link.CommandText = "INSERT INTO lrs_statement_link (\"TenantId\", \"StatementSeq\", \"Kind\", \"Key\", \"Direct\") VALUES (@t, @seq, @kind, @key, @direct)";
        foreach (var name in new[] { "@t", "@seq", "@kind", "@key", "@direct" }) Add(_link, name);
    }

    private static void Add(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
    }

    public DbTransaction? Transaction { set { _insert.Transaction = value; _link.Transaction = value; } }

    public async Task InsertAsync(JsonObject statement)
    {
        var now = DateTime.UtcNow.Ticks;
        statement["stored"] = DateTime.UtcNow.ToString("O");
        statement["authority"] = new JsonObject { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://127.0.0.1/xapi", ["name"] = "bench" } };
        statement["version"] = "2.0.0";
        var actor = "mbox:" + statement["actor"]!["mbox"]!.GetValue<string>();
        var activity = statement["object"]!["id"]!.GetValue<string>();
        _insert.Parameters[0].Value = _tenant;
        _insert.Parameters[1].Value = statement["id"]!.GetValue<string>();
        _insert.Parameters[2].Value = statement["verb"]!["id"]!.GetValue<string>();
        _insert.Parameters[3].Value = activity;
        _insert.Parameters[4].Value = actor;
        _insert.Parameters[5].Value = "account:https://127.0.0.1/xapi|bench";
        _insert.Parameters[6].Value = now;
        _insert.Parameters[7].Value = now;
        _insert.Parameters[8].Value = false;
        _insert.Parameters[9].Value = statement.ToJsonString();
        _insert.Parameters[10].Value = "0000000000000000000000000000000000000000000000000000000000000000";
        var seq = Convert.ToInt64(await _insert.ExecuteScalarAsync());
        foreach (var (kind, key, direct) in new[] { ("A", actor, true), ("C", activity, true), ("C", statement["context"]!["contextActivities"]!["parent"]![0]!["id"]!.GetValue<string>(), false) })
        {
            _link.Parameters[0].Value = _tenant;
            _link.Parameters[1].Value = seq;
            _link.Parameters[2].Value = kind;
            _link.Parameters[3].Value = key;
            _link.Parameters[4].Value = direct;
            await _link.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The real Formation host, as a child process on 127.0.0.1, with one LRS client (scope all) on the platform portal.</summary>
internal sealed class LrsHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Options _options;
    private readonly bool _keep;
    private readonly HttpClientHandler _handler = new() { MaxConnectionsPerServer = 64 };
    public string Provider => _options.Provider;

    private LrsHost(Process process, Options options, bool keep) { _process = process; _options = options; _keep = keep; }

    public static async Task<LrsHost> StartAsync(Options options, bool fresh, bool keep = true)
    {
        var data = options.DataPath;
        if (fresh)
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            if (options.Provider == "postgres")
            {
                await using var admin = new NpgsqlConnection(options.PostgresServer);
                await admin.OpenAsync();
                await using var drop = admin.CreateCommand();
                drop.CommandText = $"DROP DATABASE IF EXISTS {options.PostgresDatabase} WITH (FORCE)";
                await drop.ExecuteNonQueryAsync();
                drop.CommandText = $"CREATE DATABASE {options.PostgresDatabase}";
                await drop.ExecuteNonQueryAsync();
            }
        }
        Directory.CreateDirectory(data);
        var recipes = Path.Combine(data, "recipes");
        Directory.CreateDirectory(recipes);
        await File.WriteAllTextAsync(Path.Combine(recipes, "lrs-bench.recipe.json"), """
            { "name": "lrs-bench", "steps": [
              { "name": "tenants", "tenants": [ { "id": "plateforme", "name": "Plateforme", "hosts": ["127.0.0.1", "localhost"] } ] },
              { "name": "features", "tenant": "plateforme", "enable": ["Lrs"] },
              { "name": "lrs-clients", "tenant": "plateforme", "clients": [ { "name": "Banc d'essai", "key": "bench", "secret": "bench-secret-0001", "scopes": ["all"] } ] }
            ] }
            """);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { options.HostDll, $"--App:DataPath={data}", $"--App:RecipesPath={recipes}", "--App:SetupRecipe=lrs-bench", $"--urls=http://127.0.0.1:{options.Port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(options.HostDll)!,
        };
        // By default the host logs one line per request, as shipped; --quiet-log keeps warnings only.
        if (options.QuietLog) start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (options.Provider == "postgres")
        {
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Default"] = options.PostgresConnection;
        }
        var process = Process.Start(start)!;
        var hostLog = Environment.GetEnvironmentVariable("LRS_BENCH_HOST_LOG"); // a file to keep the host's log in, for diagnosis
        var logWriter = hostLog is null ? null : TextWriter.Synchronized(new StreamWriter(hostLog, append: true));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null && logWriter is not null) { logWriter.WriteLine(e.Data); logWriter.Flush(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new LrsHost(process, options, keep);
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}") };
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited) throw new InvalidOperationException("The host stopped at start.");
            try { if ((await probe.GetAsync("/xapi/about")).IsSuccessStatusCode) return host; } catch (HttpRequestException) { }
            await Task.Delay(500);
        }
        throw new TimeoutException("The host did not start.");
    }

    public HttpClient Client()
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri($"http://127.0.0.1:{_options.Port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bench:bench-secret-0001"u8.ToArray()));
        client.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        return client;
    }

    // The raw inserts prepare their statements as the host does (it turns Npgsql's automatic preparation on).
    public DbConnection OpenDatabase() => _options.Provider == "postgres"
        ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_options.PostgresConnection) { MaxAutoPrepare = 64 }.ConnectionString)
        : new SqliteConnection($"Data Source={Path.Combine(_options.DataPath, "formation.db")};Default Timeout=60");

    public async Task<long> CountStatementsAsync()
    {
        await using var connection = OpenDatabase();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM lrs_statement WHERE \"TenantId\" = 'plateforme'";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>SIGKILL: no shutdown, no flush — what a power cut or an OOM kill does to the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _handler.Dispose();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (!_keep && Directory.Exists(_options.DataPath) && _options.Cleanup) Directory.Delete(_options.DataPath, recursive: true);
    }
}

internal sealed class Options
{
    public required string Command { get; init; }
    public string Provider { get; init; } = "sqlite";
    public string PostgresServer { get; init; } = "Host=127.0.0.1;Port=55452;Username=formation;Database=postgres";
    public string PostgresDatabase { get; init; } = "formation_lrs_bench";
    public string PostgresConnection => new NpgsqlConnectionStringBuilder(PostgresServer) { Database = PostgresDatabase }.ConnectionString;
    public string DataPath { get; init; } = Path.Combine(Path.GetTempPath(), "formation-lrs-bench");
    public required string HostDll { get; init; }
    public int Port { get; init; } = 5491;
    public int Clients { get; init; } = 4;
    public int Seconds { get; init; } = 15;
    public int WarmUpSeconds { get; init; } = 15;
    public long Statements { get; init; } = 1_000_000;
    public int Queries { get; init; } = 2000;
    public int Rounds { get; init; } = 3;
    public bool Reuse { get; init; }
    public bool Cleanup { get; init; }
    public bool QuietLog { get; init; }

    public const string Usage = """
        usage: Formation.LrsBenchmarks ingest|query|kill [--provider sqlite|postgres] [--pg "Host=…;Port=55452;Username=…"]
               [--data PATH] [--host PATH/Formation.Host.dll] [--port 5491] [--clients 4] [--seconds 15] [--warmup 15]
               [--statements 1000000] [--queries 2000] [--rounds 3] [--reuse] [--quiet-log]
        """;

    public static Options? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("ingest" or "query" or "kill")) return null;
        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) return null;
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--")) { values[args[i][2..]] = args[i + 1]; i++; }
            else flags.Add(args[i][2..]);
        }
        var repo = FindRepoRoot();
        var provider = values.GetValueOrDefault("provider", "sqlite");
        return new Options
        {
            Command = args[0],
            Provider = provider,
            PostgresServer = values.GetValueOrDefault("pg", "Host=127.0.0.1;Port=55452;Username=formation;Database=postgres"),
            DataPath = values.GetValueOrDefault("data", Path.Combine(Path.GetTempPath(), $"formation-lrs-bench-{provider}")),
            HostDll = values.GetValueOrDefault("host", Path.Combine(repo, "src", "Host", "Formation.Host", "bin", "Release", "net10.0", "Formation.Host.dll")),
            Port = int.Parse(values.GetValueOrDefault("port", "5491")),
            Clients = int.Parse(values.GetValueOrDefault("clients", "4")),
            Seconds = int.Parse(values.GetValueOrDefault("seconds", "15")),
            WarmUpSeconds = int.Parse(values.GetValueOrDefault("warmup", "15")),
            Statements = long.Parse(values.GetValueOrDefault("statements", "1000000")),
            Queries = int.Parse(values.GetValueOrDefault("queries", "2000")),
            Rounds = int.Parse(values.GetValueOrDefault("rounds", "3")),
            Reuse = flags.Contains("reuse"),
            QuietLog = flags.Contains("quiet-log"),
        };
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Formation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
