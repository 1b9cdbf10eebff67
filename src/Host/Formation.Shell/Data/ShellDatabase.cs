using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Formation.Shell.Data;

/// <summary>Opens connections for the configured provider (singleton).</summary>
public sealed class ConnectionFactory(DatabaseSettings settings) : IDisposable
{
    private readonly NpgsqlDataSource? _postgres =
        settings.Provider == DatabaseProvider.Postgres ? NpgsqlDataSource.Create(WithAutoPrepare(settings.ConnectionString)) : null;

    /// <summary>
    /// PostgreSQL parses and plans every statement it receives unless it was prepared; the same few inserts and lookups
    /// run thousands of times (xAPI ingest), so Npgsql prepares the most used ones itself, unless the connection string
    /// says otherwise (<c>Max Auto Prepare=0</c> turns it off).
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    public DatabaseSettings Settings => settings;

    /// <summary>
    /// SQLite lets one transaction write at a time (every transaction here begins IMMEDIATE). Waiting for it inside
    /// SQLite blocks a thread in its busy handler; fifty requests doing so starve the thread pool, and the transaction
    /// that holds the lock cannot get a thread to finish. Transactions of this process therefore queue here first,
    /// without blocking a thread; other processes are still kept out by SQLite's own lock.
    /// </summary>
    internal SemaphoreSlim? WriterGate { get; } = settings.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>How long a transaction waits for the SQLite writer before giving up, as SQLite's own busy timeout.</summary>
    internal static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(30);

    public DbConnection Create() => _postgres is not null
        ? _postgres.CreateConnection()
        : new SqliteConnection(settings.ConnectionString);

    public void Dispose() => _postgres?.Dispose();
}

/// <summary>
/// One connection per scope, shared by every module's DbContext, so that work spanning modules
/// (a recipe, a use case touching two modules) commits or rolls back as one.
/// </summary>
public sealed class ShellDatabase(ConnectionFactory factory) : IAsyncDisposable, IDisposable
{
    private readonly List<DbContext> _contexts = [];
    private DbConnection? _connection;

    public DbConnection Connection => _connection ??= factory.Create();
    public DbTransaction? Transaction { get; private set; }
    public DatabaseProvider Provider => factory.Settings.Provider;

    /// <summary>Called by each module DbContext when created in this scope: it gets the scope's connection.</summary>
    public void Attach(DbContext context)
    {
        context.Database.SetDbConnection(Connection);
        _contexts.Add(context);
        if (Transaction is not null) context.Database.UseTransaction(Transaction);
    }

    public async Task<ShellTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        if (Transaction is not null) throw new InvalidOperationException("A transaction is already open in this scope.");
        if (factory.WriterGate is { } gate)
        {
            if (!await gate.WaitAsync(ConnectionFactory.WriterWait, cancellationToken))
                throw new TimeoutException("The database stayed busy: another transaction kept writing for too long.");
            _holdsWriterGate = true;
        }
        try
        {
            if (Connection.State != System.Data.ConnectionState.Open) await Connection.OpenAsync(cancellationToken);
            Transaction = await Connection.BeginTransactionAsync(cancellationToken);
        }
        catch
        {
            ReleaseWriterGate();
            throw;
        }
        foreach (var context in _contexts) context.Database.UseTransaction(Transaction);
        return new ShellTransaction(this);
    }

    private bool _holdsWriterGate;

    private void ReleaseWriterGate()
    {
        if (!_holdsWriterGate) return;
        _holdsWriterGate = false;
        factory.WriterGate!.Release();
    }

    /// <summary>Runs work in the scope's transaction: joins the open one (a recipe, an outer use case) or opens and commits its own.</summary>
    public async Task InTransactionAsync(Func<Task> work, CancellationToken cancellationToken = default)
    {
        if (Transaction is not null) { await work(); return; }
        await using var transaction = await BeginTransactionAsync(cancellationToken);
        await work();
        await transaction.CommitAsync();
    }

    /// <summary>Raised after the scope's transaction commits.</summary>
    public event Action? Committed;

    internal async Task EndAsync(bool commit)
    {
        if (Transaction is null) return;
        try
        {
            if (commit) await Transaction.CommitAsync(); else await Transaction.RollbackAsync();
            foreach (var context in _contexts)
            {
                context.Database.UseTransaction(null);
                if (!commit) context.ChangeTracker.Clear();
            }
            await Transaction.DisposeAsync();
            Transaction = null;
        }
        finally
        {
            ReleaseWriterGate();
        }
        if (commit) Committed?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        if (Transaction is not null) await EndAsync(commit: false);
        if (_connection is not null) await _connection.DisposeAsync();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>A transaction over every module's DbContext in the scope; rolled back unless committed.</summary>
public sealed class ShellTransaction(ShellDatabase database) : IAsyncDisposable
{
    private bool _done;
    public async Task CommitAsync() { _done = true; await database.EndAsync(commit: true); }
    public async Task RollbackAsync() { _done = true; await database.EndAsync(commit: false); }
    public async ValueTask DisposeAsync() { if (!_done) await database.EndAsync(commit: false); }
}

public static class DbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Registers a module's DbContext on the scope's shared connection (see <see cref="ShellDatabase"/>). The options are
    /// built once (singleton, provider only); each context receives the scope's connection in <see cref="ShellDatabase.Attach"/>,
    /// since building options per request showed in page profiles.
    /// </summary>
    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddModuleDbContext<TContext>(this Microsoft.Extensions.DependencyInjection.IServiceCollection services)
        where TContext : DbContext =>
        Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions.AddDbContext<TContext>(services,
            (sp, o) => o.UseShellProvider(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<DatabaseSettings>(sp).Provider),
            Microsoft.Extensions.DependencyInjection.ServiceLifetime.Scoped, Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton);

    private static DbContextOptionsBuilder UseShellProvider(this DbContextOptionsBuilder builder, DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? builder.UseNpgsql() : builder.UseSqlite();
}
