using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Formation.Benchmarks.Dataset;
using Formation.Benchmarks.Hosting;
using Formation.Benchmarks.Measuring;
using Formation.Catalog.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Benchmarks;

/// <summary>Entry point: prepares the dataset when needed, then measures search (<c>search</c>) or serves the pages for wrk (<c>serve</c>).</summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        Options options;
        try { options = Options.Parse(args); }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var started = DateTimeOffset.UtcNow;
        var repoRoot = RepoRoot();
        Directory.CreateDirectory(options.DatasetFolder);
        // The host logs one line per request to the console, as in production, where stdout goes to a log collector:
        // here it goes to a file, and the benchmark's own output keeps the real stdout.
        var hostLogPath = Path.Combine(options.DatasetFolder, $"host-{options.Command}.log");
        Console.SetOut(new StreamWriter(new FileStream(hostLogPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true });
        output.WriteLine($"Formation benchmarks — {options.Command}; data {options.DatasetFolder}; host log {hostLogPath}");
        output.WriteLine($"Machine: {Machine.Describe()}");

        var dataset = DatasetInfo.Read(options.AppDataPath, options.Modules, options.Seed);
        if (dataset is null && Directory.Exists(options.AppDataPath)) Directory.Delete(options.AppDataPath, recursive: true);
        Directory.CreateDirectory(options.AppDataPath);

        // Latency is measured without the result cache (each run would repeat the same search); serve keeps it, as production does.
        await using var host = new BenchmarkHost(repoRoot, options.AppDataPath, options.Command == "serve" ? options.Port : 0, resultCache: options.Command == "serve");
        host.Start();
        if (dataset is null)
        {
            output.WriteLine($"Preparing {options.Modules:N0} modules (once; kept in {options.DatasetFolder})…");
            var demo = DemoVocabulary.Load(Path.Combine(repoRoot, "recipes", "demo.recipe.json"));
            dataset = await new DatasetBuilder(host.Services, demo, Path.Combine(repoRoot, "recipes"), output).BuildAsync(options.AppDataPath, options.Modules, options.Seed);
        }
        else output.WriteLine($"Reusing the prepared dataset ({dataset.Modules:N0} modules, prepared {dataset.PreparedUtc:yyyy-MM-dd HH:mm} UTC).");
        if (options.Reindex)
        {
            output.WriteLine("Rebuilding the search index (as `search rebuild` does)…");
            dataset = await DatasetBuilder.ReindexAsync(host.Services, options.AppDataPath, dataset, output);
        }

        if (options.Command == "serve") return await ServeAsync(host, options, output);

        ThrowawayPostgres? server = null;
        try
        {
            PostgresFullText? postgres = null;
            double? postgresLoad = null;
            long? postgresBytes = null;
            string? postgresVersion = null;
            if (options.Postgres)
            {
                output.WriteLine($"Starting PostgreSQL on 127.0.0.1:{options.PostgresPort}…");
                server = await ThrowawayPostgres.StartAsync(options.PostgresFolder, options.PostgresPort, output);
                options.PostgresConnectionString = server.ConnectionString;
                postgres = new PostgresFullText(server.ConnectionString);
                postgresLoad = await postgres.EnsureLoadedAsync(options.DatasetKey, () => PublishedModules(host.Services), output);
                postgresBytes = await postgres.TableBytesAsync();
                postgresVersion = "PostgreSQL " + await postgres.ServerVersionAsync();
                output.WriteLine(postgresLoad is { } s ? $"  loaded in {s:N0} s" : "  reusing the loaded documents");
            }
            if (options.Command == "prepare") return 0;

            using var benchmark = new SearchBenchmark(host, options, output);
            var rounds = new List<RoundFigures>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                output.WriteLine($"Round {round} of {options.Rounds} (load average {SearchBenchmark.LoadAverage()})");
                rounds.Add(await benchmark.RunAsync(round, postgres));
            }
            var report = Report.Markdown(options, dataset, rounds, postgresVersion, postgresLoad, postgresBytes, benchmark.Segments, started);
            output.WriteLine();
            output.WriteLine(report);
            if (options.Out is not null) await File.WriteAllTextAsync(options.Out, report);
            return 0;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }
    }

    /// <summary>Serves until SIGTERM/SIGINT or the time limit: load tests must never leave a server behind.</summary>
    private static async Task<int> ServeAsync(BenchmarkHost host, Options options, TextWriter output)
    {
        var stop = new TaskCompletionSource();
        void OnSignal(PosixSignalContext context) { context.Cancel = true; stop.TrySetResult(); }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        output.WriteLine($"Serving {host.BaseAddress} (portal host {SearchBenchmark.PortalHost}) for {options.MaxMinutes:0} minutes at most.");
        if (options.ReadyFile is not null) await File.WriteAllTextAsync(options.ReadyFile, host.BaseAddress.ToString().TrimEnd('/'));
        await Task.WhenAny(stop.Task, Task.Delay(TimeSpan.FromMinutes(options.MaxMinutes)));
        output.WriteLine("Stopping.");
        return 0;
    }

    private static async IAsyncEnumerable<PublishedModule> PublishedModules(IServiceProvider services, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await foreach (var module in scope.ServiceProvider.GetRequiredService<ICatalogReader>().StreamPublishedAsync(ct)) yield return module;
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Formation.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from the repository: Formation.sln not found.");
    }
}
