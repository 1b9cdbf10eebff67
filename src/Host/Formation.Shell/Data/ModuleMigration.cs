using System.Data.Common;
using Formation.Shell.Modules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.Shell.Data;

/// <summary>
/// A schema step of one module, applied once per database in id order. Migrations are written
/// provider-neutral (EF migration operations or the context's model), so one set serves SQLite and PostgreSQL.
/// </summary>
public abstract class ModuleMigration
{
    /// <summary>Sortable id, e.g. "0001_initial".</summary>
    public abstract string Id { get; }
    public abstract Type ContextType { get; }
    public abstract Task UpAsync(DbContext context, CancellationToken cancellationToken);
}

/// <summary>The first migration of a module: creates every table of the context's model.</summary>
public abstract class CreateSchemaMigration<TContext> : ModuleMigration where TContext : DbContext
{
    public override Type ContextType => typeof(TContext);

    public override async Task UpAsync(DbContext context, CancellationToken cancellationToken)
    {
        var script = context.Database.GenerateCreateScript();
        if (!string.IsNullOrWhiteSpace(script))
            await context.Database.ExecuteSqlRawAsync(script, cancellationToken);
    }
}

/// <summary>A later migration expressed as EF migration operations (add column, create index, ...).</summary>
public abstract class OperationsMigration<TContext> : ModuleMigration where TContext : DbContext
{
    public override Type ContextType => typeof(TContext);
    protected abstract void Up(MigrationBuilder builder);

    public override async Task UpAsync(DbContext context, CancellationToken cancellationToken)
    {
        var builder = new MigrationBuilder(context.Database.ProviderName);
        Up(builder);
        var commands = context.GetService<IMigrationsSqlGenerator>().Generate(builder.Operations, context.Model);
        foreach (var command in commands)
            await context.Database.ExecuteSqlRawAsync(command.CommandText, cancellationToken);
    }
}

/// <summary>
/// A change of the context's model (a column or index added since the module's first release). A database whose schema is
/// created in the same run by <see cref="CreateSchemaMigration{TContext}"/> already has it (that schema comes from the
/// current model), so there it is only recorded as applied; older databases run it.
/// </summary>
public abstract class ModelChangeMigration<TContext> : OperationsMigration<TContext> where TContext : DbContext;

/// <summary>
/// Tables added to a module's model after its first release: their CREATE TABLE and CREATE INDEX statements are taken
/// from the script of the current model, so they match it exactly on every provider.
/// </summary>
public abstract class AddTablesMigration<TContext> : ModelChangeMigration<TContext> where TContext : DbContext
{
    protected abstract IReadOnlyList<string> Tables { get; }
    protected override void Up(MigrationBuilder builder) { }

    public override async Task UpAsync(DbContext context, CancellationToken cancellationToken)
    {
        var statements = context.Database.GenerateCreateScript()
            .Split(";", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            // Npgsql quotes only identifiers that need it (lowercase table names come unquoted), SQLite quotes all.
            .Where(statement => Tables.Any(table =>
            {
                var unquoted = statement.Replace("\"", "", StringComparison.Ordinal);
                return statement.StartsWith("CREATE TABLE", StringComparison.OrdinalIgnoreCase)
                    ? unquoted.Contains($"CREATE TABLE {table} (", StringComparison.Ordinal)
                    : unquoted.Contains($" ON {table} (", StringComparison.Ordinal);
            }));
        foreach (var statement in statements)
            await context.Database.ExecuteSqlRawAsync(statement + ";", cancellationToken);
    }
}

/// <summary>Applies pending module migrations at start, module by module in dependency order.</summary>
public sealed class MigrationRunner(ModuleCatalog catalog, IServiceProvider services, ILogger<MigrationRunner> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ShellDatabase>();
        var connection = database.Connection;
        await connection.OpenAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Sqlite)
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection,
            "CREATE TABLE IF NOT EXISTS formation_migrations (module VARCHAR(100) NOT NULL, migration VARCHAR(200) NOT NULL, applied_utc VARCHAR(40) NOT NULL, PRIMARY KEY (module, migration));",
            cancellationToken);

        var applied = new HashSet<string>();
        var createdNow = new HashSet<Type>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT module, migration FROM formation_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0) + "/" + reader.GetString(1));
        }

        // The shell's own tables come first, then each module's, in dependency order.
        var owners = new List<(string Id, System.Reflection.Assembly Assembly)> { ("Formation.Shell", typeof(MigrationRunner).Assembly) };
        owners.AddRange(catalog.Modules.Select(m => (m.Manifest.Id, m.GetType().Assembly)));
        foreach (var (moduleId, assembly) in owners)
        {
            var migrations = assembly.GetTypes()
                .Where(t => typeof(ModuleMigration).IsAssignableFrom(t) && !t.IsAbstract)
                .Select(t => (ModuleMigration)Activator.CreateInstance(t)!)
                .OrderBy(m => m.Id, StringComparer.Ordinal);
            foreach (var migration in migrations)
            {
                var key = moduleId + "/" + migration.Id;
                if (applied.Contains(key)) continue;
                var context = (DbContext)scope.ServiceProvider.GetRequiredService(migration.ContextType);
                await using var transaction = await database.BeginTransactionAsync(cancellationToken);
                if (!(DerivesFrom(migration, typeof(ModelChangeMigration<>)) && createdNow.Contains(migration.ContextType)))
                    await migration.UpAsync(context, cancellationToken);
                if (DerivesFrom(migration, typeof(CreateSchemaMigration<>)))
                    createdNow.Add(migration.ContextType);
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = database.Transaction;
                    insert.CommandText = "INSERT INTO formation_migrations (module, migration, applied_utc) VALUES (@m, @n, @t)";
                    AddParameter(insert, "@m", moduleId);
                    AddParameter(insert, "@n", migration.Id);
                    AddParameter(insert, "@t", DateTime.UtcNow.ToString("O"));
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync();
                logger.LogInformation("Migration {Module}/{Migration} applied", moduleId, migration.Id);
            }
        }
    }

    private static bool DerivesFrom(ModuleMigration migration, Type openGeneric)
    {
        for (var type = migration.GetType().BaseType; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericTypeDefinition() == openGeneric) return true;
        return false;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
