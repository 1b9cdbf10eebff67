using Formation.Lrs.Data;
using Formation.Lrs.Migrations;
using Formation.Shell.Data;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Lrs;

/// <summary>
/// The statement tables carry only the indexes their queries use (each index costs every write): a fresh database is
/// created that way, and an older one loses the extra indexes, on SQLite and PostgreSQL.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LrsIndexMigrationTests
{
    private static readonly string[] LeanIndexes =
    [
        "IX_lrs_statement_TenantId_ActivityId_VerbId_Seq", "IX_lrs_statement_TenantId_ActorKey_Seq", "IX_lrs_statement_TenantId_AuthorityKey_Seq",
        "IX_lrs_statement_TenantId_Registration_Seq", "IX_lrs_statement_TenantId_StatementId", "IX_lrs_statement_TenantId_StoredTicks",
        "IX_lrs_statement_TenantId_TargetStatementId", "IX_lrs_statement_TenantId_VerbId_Seq", "IX_lrs_statement_link_TenantId_Kind_Key_StatementSeq",
    ];

    [Fact]
    public async Task Statement_tables_keep_only_the_indexes_queries_use_on_fresh_and_older_databases()
    {
        await using var factory = new FormationFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ShellDatabase>();
        var lrs = scope.ServiceProvider.GetRequiredService<LrsDbContext>();

        Assert.Equal(LeanIndexes, await IndexesAsync(lrs, database.Provider));
        Assert.Equal(1, await lrs.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM formation_migrations WHERE module = 'Lrs' AND migration = '0003_leaner_statement_indexes'").SingleAsync());

        // An older database, with the indexes of the first release.
        foreach (var sql in new[]
        {
            "CREATE INDEX \"IX_lrs_statement_TenantId\" ON lrs_statement (\"TenantId\")",
            "CREATE INDEX \"IX_lrs_statement_link_TenantId\" ON lrs_statement_link (\"TenantId\")",
            "CREATE INDEX \"IX_lrs_statement_link_StatementSeq\" ON lrs_statement_link (\"StatementSeq\")",
            "DROP INDEX \"IX_lrs_statement_TenantId_Registration_Seq\"",
            "CREATE INDEX \"IX_lrs_statement_TenantId_Registration_Seq\" ON lrs_statement (\"TenantId\", \"Registration\", \"Seq\")",
            "DROP INDEX \"IX_lrs_statement_TenantId_TargetStatementId\"",
            "CREATE INDEX \"IX_lrs_statement_TenantId_TargetStatementId\" ON lrs_statement (\"TenantId\", \"TargetStatementId\")",
        })
            await lrs.Database.ExecuteSqlRawAsync(sql);
        Assert.Equal(12, (await IndexesAsync(lrs, database.Provider)).Count);
        Assert.DoesNotContain(await PartialIndexesAsync(lrs, database.Provider), name => name.Contains("Registration") || name.Contains("Target"));

        await using (var transaction = await database.BeginTransactionAsync())
        {
            await new M0003_LeanerStatementIndexes().UpAsync(lrs, default);
            await transaction.CommitAsync();
        }
        Assert.Equal(LeanIndexes, await IndexesAsync(lrs, database.Provider));
        Assert.Equal(["IX_lrs_statement_TenantId_Registration_Seq", "IX_lrs_statement_TenantId_TargetStatementId"], await PartialIndexesAsync(lrs, database.Provider));
    }

    // Primary keys aside (SQLite names them sqlite_autoindex_…, or has none for an integer key; PostgreSQL PK_…).
    private static async Task<List<string>> IndexesAsync(LrsDbContext db, DatabaseProvider provider) =>
        (await db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Postgres
            ? "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename IN ('lrs_statement', 'lrs_statement_link') AND indexname LIKE 'IX%'"
            : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('lrs_statement', 'lrs_statement_link') AND name LIKE 'IX%'")
            .ToListAsync()).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> PartialIndexesAsync(LrsDbContext db, DatabaseProvider provider) =>
        (await db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Postgres
            ? "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'lrs_statement' AND indexdef LIKE '%WHERE%IS NOT NULL%'"
            : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lrs_statement' AND sql LIKE '%WHERE%IS NOT NULL%'")
            .ToListAsync()).Order(StringComparer.Ordinal).ToList();
}
