using System.Diagnostics;

namespace Formation.Benchmarks.Measuring;

/// <summary>
/// A PostgreSQL server of the benchmark's own, as ./test.sh starts one: a cluster under the benchmark's data folder
/// (kept between runs so that the 200,000 documents load once), listening on 127.0.0.1 only, run as the postgres user
/// when we are root, stopped when disposed.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly TextWriter _log;

    private ThrowawayPostgres(string bin, string folder, int port, TextWriter log)
    {
        _bin = bin;
        _folder = folder;
        _log = log;
        Port = port;
    }

    public int Port { get; }
    public string Version { get; private set; } = "";
    public string DataFolder => Path.Combine(_folder, "data");
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=formation;Database=postgres;Max Auto Prepare=32;Timeout=30;Command Timeout=600";

    /// <summary>Server settings: sized for the 200,000 documents (the whole table and its indexes stay in memory) and without JIT, which only adds compile time to these short queries.</summary>
    public static readonly string[] Settings =
    [
        "listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=2GB", "effective_cache_size=8GB",
        "work_mem=64MB", "maintenance_work_mem=1GB", "max_wal_size=8GB", "jit=off", "max_parallel_workers_per_gather=2",
    ];

    public static async Task<ThrowawayPostgres> StartAsync(string folder, int port, TextWriter log)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).LastOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (see benchmarks/README.md).");
        var server = new ThrowawayPostgres(bin, folder, port, log);
        Directory.CreateDirectory(folder);
        if (IsRoot) await RunAsync("chown", ["postgres", folder]);
        if (!File.Exists(Path.Combine(server.DataFolder, "PG_VERSION")))
        {
            log.WriteLine($"  initdb {server.DataFolder}");
            await server.PgAsync("initdb", ["-D", server.DataFolder, "-U", "formation", "--auth=trust", "-E", "UTF8", "--no-locale"]);
        }
        // A server left running by an interrupted run of ours is stopped first.
        if (File.Exists(Path.Combine(server.DataFolder, "postmaster.pid")))
            await server.PgAsync("pg_ctl", ["-D", server.DataFolder, "-m", "fast", "stop"], check: false);
        var options = $"-p {port} -k {folder} " + string.Join(' ', Settings.Select(s => "-c " + s));
        await server.PgAsync("pg_ctl", ["-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-o", options, "start"]);
        server.Version = (await RunAsync(Path.Combine(bin, "postgres"), ["--version"])).Trim();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try { await PgAsync("pg_ctl", ["-D", DataFolder, "-m", "fast", "stop"], check: false); }
        catch (Exception ex) { _log.WriteLine($"  PostgreSQL did not stop cleanly: {ex.Message}"); }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task<string> PgAsync(string tool, string[] args, bool check = true) => IsRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], check)
        : RunAsync(Path.Combine(_bin, tool), args, check);

    private static async Task<string> RunAsync(string file, string[] args, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
