using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Formation.Tests.Support;

/// <summary>
/// The real host on a real database: SQLite in a fresh temp data path, or a fresh PostgreSQL database when
/// FORMATION_TEST_POSTGRES holds a server connection string (the test script sets it). No setup recipe:
/// each test class makes its own portals.
/// </summary>
public sealed class FormationFactory : WebApplicationFactory<Program>
{
    public FormationFactory() : this(null, null) { }

    private FormationFactory(string? dataPath, string? databaseName)
    {
        DataPath = dataPath ?? Path.Combine(Path.GetTempPath(), "formation-tests", Guid.NewGuid().ToString("N"));
        _databaseName = databaseName ?? "formation_test_" + Guid.NewGuid().ToString("N")[..12];
        _databaseExists = databaseName is not null;
    }

    /// <summary>
    /// A new host on the data of <paramref name="previous"/> (same data path, same database): a restart. Create
    /// <paramref name="previous"/> with <see cref="KeepData"/> and dispose it first; the new host deletes the data when disposed.
    /// </summary>
    public static FormationFactory Restart(FormationFactory previous, Action<IServiceCollection>? testServices = null)
    {
        var next = new FormationFactory(previous.DataPath, previous._databaseName) { TestServices = testServices ?? previous.TestServices };
        foreach (var (key, value) in previous.Settings) next.Settings[key] = value;
        return next;
    }

    public string DataPath { get; }
    private readonly string? _postgresServer = Environment.GetEnvironmentVariable("FORMATION_TEST_POSTGRES");
    private readonly string _databaseName;
    private readonly bool _databaseExists;

    /// <summary>Leaves the data path and database behind when disposed, for <see cref="Restart"/>.</summary>
    public bool KeepData { get; init; }

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(_postgresServer);
    public Dictionary<string, string?> Settings { get; } = new();
    /// <summary>Services replaced in this host, e.g. a fake of a module contract whose implementation is not under test.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("App:DataPath", DataPath);
        builder.UseSetting("App:SetupRecipe", "none");
        if (UsesPostgres)
        {
            if (!_databaseExists)
            {
                using var connection = new NpgsqlConnection(_postgresServer);
                connection.Open();
                using var create = connection.CreateCommand();
                create.CommandText = $"CREATE DATABASE {_databaseName}";
                create.ExecuteNonQuery();
            }
            var cs = new NpgsqlConnectionStringBuilder(_postgresServer) { Database = _databaseName };
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Default", cs.ConnectionString);
        }
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (TestServices is not null) builder.ConfigureTestServices(TestServices);
    }

    public HttpClient ClientFor(string host, bool followRedirects = false) =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}"), AllowAutoRedirect = followRedirects, HandleCookies = true });

    private readonly SemaphoreSlim _platformLock = new(1, 1);

    /// <summary>The platform portal (localhost), created once per host, for tests that need it.</summary>
    public async Task EnsurePlatformAsync()
    {
        await _platformLock.WaitAsync();
        try
        {
            var tenants = await Services.GetRequiredService<ITenantDirectory>().GetAllAsync();
            if (tenants.Any(t => t.IsPlatform)) return;
            await RunRecipeAsync(new RecipeDocument
            {
                Name = "platform",
                Steps =
                [
                    TestPortal.Step(new { name = "tenants", tenants = new[] { new { id = TenantInfo.PlatformId, name = "Plateforme", hosts = new[] { "localhost", "127.0.0.1" } } } }),
                    TestPortal.Step(new { name = "users", tenant = TenantInfo.PlatformId, users = new[] { new { email = "operateur@plateforme.test", displayName = "Opératrice", password = TestPortal.Password, roles = new[] { "platform-admin" } } } }),
                ],
            });
        }
        finally { _platformLock.Release(); }
    }

    public Task RunRecipeAsync(RecipeDocument recipe) => Services.GetRequiredService<RecipeRunner>().RunAsync(recipe, TestPaths.RecipesFolder);

    /// <summary>Runs code in a scope whose current portal is <paramref name="tenantId"/>.</summary>
    public async Task<T> InTenantAsync<T>(string tenantId, Func<IServiceProvider, Task<T>> action)
    {
        var tenants = await Services.GetRequiredService<ITenantDirectory>().GetAllAsync();
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenants.Single(t => t.Id == tenantId));
        return await action(scope.ServiceProvider);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (KeepData) return;
        if (UsesPostgres)
        {
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}

public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string RecipesFolder => Path.Combine(RepoRoot, "recipes");
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Formation.sln"))) return dir.FullName;
        throw new InvalidOperationException("Formation.sln not found above " + AppContext.BaseDirectory);
    }
}
