using Formation.Learning.Data;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Learning;

/// <summary>A database created before enrolments could be closed gets the closure columns, typed as the model types them.</summary>
[Trait("Category", "Integration")]
public sealed class EnrolmentClosureMigrationTests
{
    [Fact]
    public async Task An_older_database_gets_the_closure_columns_at_start()
    {
        var first = new FormationFactory { KeepData = true };
        try
        {
            // Bring the schema back to before the migration: columns gone, migration not recorded.
            await WithLearningAsync(first, async db =>
            {
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE learning_enrolment DROP COLUMN \"ClosedReason\"");
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE learning_enrolment DROP COLUMN \"ClosedUtc\"");
                await db.Database.ExecuteSqlRawAsync("DELETE FROM formation_migrations WHERE migration = '0002_enrolment_closure'");
                Assert.Null(await ColumnTypeAsync(db, "ClosedUtc"));
            });
        }
        finally { await first.DisposeAsync(); }

        await using var second = FormationFactory.Restart(first);
        await WithLearningAsync(second, async db =>
        {
            Assert.Equal(await ColumnTypeAsync(db, "CompletedUtc"), await ColumnTypeAsync(db, "ClosedUtc"));
            Assert.NotNull(await ColumnTypeAsync(db, "ClosedReason"));
            Assert.Equal(0, await db.Enrolments.IgnoreQueryFilters().CountAsync(e => e.ClosedUtc != null && e.ClosedReason != null));
        });
    }

    private static async Task WithLearningAsync(FormationFactory factory, Func<LearningDbContext, Task> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<LearningDbContext>());
    }

    /// <summary>The declared type of a column of learning_enrolment, or null when it does not exist.</summary>
    private static async Task<string?> ColumnTypeAsync(LearningDbContext db, string column)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = db.Database.IsSqlite()
            ? $"SELECT type FROM pragma_table_info('learning_enrolment') WHERE name = '{column}'"
            : $"SELECT data_type FROM information_schema.columns WHERE table_name = 'learning_enrolment' AND column_name = '{column}'";
        return await command.ExecuteScalarAsync() as string;
    }
}
