using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Formation.Shell.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Where the platform keeps its data: <c>App:DataPath</c> holds every file it writes; the database is SQLite there unless PostgreSQL is configured.</summary>
public sealed class AppPaths
{
    public AppPaths(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["App:DataPath"];
        DataPath = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured, environment.ContentRootPath);
        Directory.CreateDirectory(DataPath);
    }

    public string DataPath { get; }

    /// <summary>A folder under the data path, created on demand.</summary>
    public string Folder(params string[] parts)
    {
        var path = Path.Combine([DataPath, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
}

public sealed class DatabaseSettings
{
    public DatabaseSettings(IConfiguration configuration, AppPaths paths)
    {
        var provider = configuration["Database:Provider"];
        Provider = provider is null || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Sqlite
            : provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres
            : throw new InvalidOperationException($"Database:Provider « {provider} » inconnu : utilisez Sqlite ou Postgres.");
        ConnectionString = Provider == DatabaseProvider.Sqlite
            ? configuration.GetConnectionString("Default") is { Length: > 0 } cs && cs.Contains("Data Source", StringComparison.OrdinalIgnoreCase)
                ? cs
                : $"Data Source={Path.Combine(paths.DataPath, "formation.db")}"
            : configuration.GetConnectionString("Default")
              ?? throw new InvalidOperationException("Database:Provider=Postgres demande ConnectionStrings:Default.");
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
}
