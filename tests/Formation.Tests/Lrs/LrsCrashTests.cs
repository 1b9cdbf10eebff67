using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Formation.Tests.Support;
using Npgsql;

namespace Formation.Tests.Lrs;

/// <summary>
/// The real host, as a separate process on its own data (SQLite, or PostgreSQL when the suite runs on it), is killed
/// with SIGKILL while four clients send statements one by one and by 50: after a restart, every statement the LRS
/// acknowledged with 200 is there. Durability is the database's: nothing is answered before its commit.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LrsCrashTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "formation-crash-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string? _postgresServer = Environment.GetEnvironmentVariable("FORMATION_TEST_POSTGRES");
    private readonly string _database = "crash_" + Guid.NewGuid().ToString("N")[..10];
    private readonly int _port = FreePort();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_data, "recipes"));
        await File.WriteAllTextAsync(Path.Combine(_data, "recipes", "crash.recipe.json"), """
            { "name": "crash", "steps": [
              { "name": "tenants", "tenants": [ { "id": "plateforme", "name": "Plateforme", "hosts": ["127.0.0.1", "localhost"] } ] },
              { "name": "features", "tenant": "plateforme", "enable": ["Lrs"] },
              { "name": "lrs-clients", "tenant": "plateforme", "clients": [ { "name": "Essai", "key": "crash", "secret": "crash-secret-0001", "scopes": ["all"] } ] }
            ] }
            """);
        if (_postgresServer is not null)
        {
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE {_database}";
            await create.ExecuteNonQueryAsync();
        }
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_statement_acknowledged_before_the_host_is_killed_is_there_after_restart()
    {
        var acknowledged = new ConcurrentBag<Guid>();
        using (var host = await StartAsync())
        {
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
            {
                using var client = Client();
                while (!stop.IsCancellationRequested)
                {
                    var statements = Enumerable.Range(0, c % 2 == 0 ? 1 : 50).Select(_ => Statement()).ToList();
                    JsonNode body = statements.Count == 1 ? statements[0] : new JsonArray([.. statements]);
                    try
                    {
                        using var response = await client.PostAsync("/xapi/statements", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                        if (response.StatusCode == HttpStatusCode.OK)
                            foreach (var s in statements) acknowledged.Add(Guid.Parse(s["id"]!.GetValue<string>()));
                    }
                    catch (HttpRequestException) { return; } // the host is gone: this one was not acknowledged
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();
            // Kill once a few hundred statements went through (bounded: the host may be slow on a busy machine).
            for (var i = 0; i < 600 && acknowledged.Count < 300; i++) await Task.Delay(50);
            host.Kill(entireProcessTree: true);
            stop.Cancel();
            await Task.WhenAll(clients);
        }
        Assert.NotEmpty(acknowledged);

        var restarted = await StartAsync();
        try
        {
            using var client = Client();
            var missing = new List<Guid>();
            foreach (var id in acknowledged.Distinct())
            {
                using var response = await client.GetAsync($"/xapi/statements?statementId={id}");
                if (response.StatusCode != HttpStatusCode.OK) missing.Add(id);
            }
            Assert.Empty(missing);
        }
        finally
        {
            // Disposing a Process does not end it: the restarted host is stopped here.
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }
    }

    private static JsonObject Statement() => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["actor"] = new JsonObject { ["objectType"] = "Agent", ["mbox"] = "mailto:apprenant@formation.test" },
        ["verb"] = new JsonObject { ["id"] = "http://adlnet.gov/expapi/verbs/experienced", ["display"] = new JsonObject { ["fr-FR"] = "a vu" } },
        ["object"] = new JsonObject { ["objectType"] = "Activity", ["id"] = "http://formation.test/activites/crash" },
    };

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("crash:crash-secret-0001"u8.ToArray()));
        client.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        return client;
    }

    /// <summary>The host built beside this test (same configuration), on this test's data and port.</summary>
    private async Task<Process> StartAsync()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // …/bin/{Release|Debug}/net10.0/
        var hostDll = Path.Combine(TestPaths.RepoRoot, "src", "Host", "Formation.Host", "bin", configuration, "net10.0", "Formation.Host.dll");
        Assert.True(File.Exists(hostDll), "The host is built with the solution: " + hostDll);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { hostDll, $"--App:DataPath={_data}", $"--App:RecipesPath={Path.Combine(_data, "recipes")}", "--App:SetupRecipe=crash", $"--urls=http://127.0.0.1:{_port}" },
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (_postgresServer is not null)
        {
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(_postgresServer) { Database = _database }.ConnectionString;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"The host stopped at start (exit code {process.ExitCode}).");
            try { if ((await probe.GetAsync("/xapi/about")).IsSuccessStatusCode) return process; }
            catch (HttpRequestException) { }
            await Task.Delay(500);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The host did not answer within two minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
