using System.Globalization;

namespace Formation.Benchmarks;

/// <summary>Command line: <c>&lt;prepare|search|serve&gt; [--option value]…</c> (see <see cref="Usage"/>).</summary>
public sealed class Options
{
    public const string Usage = """
        Formation.Benchmarks <command> [options]

        Commands:
          prepare   generate the modules, store them, build the search index (and load PostgreSQL), then exit
          search    (default) search latency: /api/search through HTTP vs SearchIndex.Search vs PostgreSQL full-text search
          serve     start the benchmark host on 127.0.0.1 for load tests (benchmarks/load.sh) until SIGTERM or --max-minutes

        Options:
          --modules N          modules generated (200000)
          --seed N             generator seed (20260131)
          --data DIR           where prepared data are kept and reused (/tmp/formation-bench)
          --iterations N       timed runs per measurement (500); PostgreSQL runs fewer when slow
          --warmup N           untimed runs before each measurement (50)
          --rounds N           the whole search measurement is repeated N times (2)
          --seconds N          time limit of one measurement (60); PostgreSQL: --pg-seconds (40)
          --pg-port N          port of the throwaway PostgreSQL server (55433)
          --no-postgres        skip PostgreSQL
          --reindex            rebuild the search index of the prepared dataset first (after a change of the index format)
          --port N             serve: port on 127.0.0.1 (a free one by default)
          --ready-file PATH    serve: written with the base URL once the host answers
          --max-minutes N      serve: stops by itself after N minutes (30)
          --out PATH           search: also write the Markdown report there
        """;

    public string Command { get; private init; } = "search";
    public int Modules { get; private init; } = 200_000;
    public int Seed { get; private init; } = 20260131;
    public string DataRoot { get; private init; } = "/tmp/formation-bench";
    public int Iterations { get; private init; } = 500;
    public int Warmup { get; private init; } = 50;
    public int Rounds { get; private init; } = 2;
    public double SecondsPerMeasurement { get; private init; } = 60;
    public double SecondsPerPostgresMeasurement { get; private init; } = 40;
    public int PostgresPort { get; private init; } = 55433;
    public bool Postgres { get; private init; } = true;
    public bool Reindex { get; private init; }
    public int Port { get; private init; }
    public string? ReadyFile { get; private init; }
    public double MaxMinutes { get; private init; } = 30;
    public string? Out { get; private init; }

    /// <summary>The prepared data of this dataset: the host's data path (database, index) and the PostgreSQL cluster.</summary>
    public string DatasetFolder => Path.Combine(DataRoot, $"m{Modules}-s{Seed}-v{Dataset.ModuleGenerator.Version}");
    public string AppDataPath => Path.Combine(DatasetFolder, "app");
    public string PostgresFolder => Path.Combine(DatasetFolder, "pg");
    public string DatasetKey => $"{Modules}-{Seed}-{Dataset.ModuleGenerator.Version}";
    public string PostgresConnectionString { get; set; } = "";

    public static Options Parse(string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "search";
        if (command is not ("prepare" or "search" or "serve")) throw new ArgumentException($"Unknown command {command}.");
        var values = new Dictionary<string, string?>();
        for (var i = command == args.ElementAtOrDefault(0) ? 1 : 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument {args[i]}.");
            var name = args[i][2..];
            values[name] = name is "no-postgres" or "reindex" ? null : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value.");
        }
        int Int(string name, int fallback) => values.Remove(name, out var v) ? int.Parse(v!, CultureInfo.InvariantCulture) : fallback;
        double Double(string name, double fallback) => values.Remove(name, out var v) ? double.Parse(v!, CultureInfo.InvariantCulture) : fallback;
        string? Text(string name) => values.Remove(name, out var v) ? v : null;
        var options = new Options
        {
            Command = command,
            Modules = Int("modules", 200_000),
            Seed = Int("seed", 20260131),
            DataRoot = Path.GetFullPath(Text("data") ?? "/tmp/formation-bench"),
            Iterations = Int("iterations", 500),
            Warmup = Int("warmup", 50),
            Rounds = Int("rounds", 2),
            SecondsPerMeasurement = Double("seconds", 60),
            SecondsPerPostgresMeasurement = Double("pg-seconds", 40),
            PostgresPort = Int("pg-port", 55433),
            Postgres = !values.Remove("no-postgres"),
            Reindex = values.Remove("reindex"),
            Port = Int("port", 0),
            ReadyFile = Text("ready-file"),
            MaxMinutes = Double("max-minutes", 30),
            Out = Text("out"),
        };
        if (values.Count > 0) throw new ArgumentException($"Unknown option --{values.Keys.First()}.");
        if (options.Modules < 1 || options.Iterations < 1 || options.Rounds < 1) throw new ArgumentException("--modules, --iterations and --rounds must be positive.");
        return options;
    }
}
