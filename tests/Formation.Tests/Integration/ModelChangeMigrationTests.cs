using Formation.Insights.Data;
using Formation.Insights.Migrations;
using Formation.Shell.Data;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Integration;

/// <summary>
/// Model changes after a module's first release: skipped where the schema was just created from the current model, run on
/// older databases — here a database from before the ratings table, on SQLite and PostgreSQL.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ModelChangeMigrationTests
{
    [Fact]
    public async Task A_fresh_schema_records_later_model_changes_and_an_older_database_gets_the_new_table()
    {
        await using var factory = new FormationFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ShellDatabase>();
        var insights = scope.ServiceProvider.GetRequiredService<InsightsDbContext>();

        // The fresh database has the table from its first migration, and the later one is recorded as applied.
        Assert.Equal(0, await insights.Ratings.IgnoreQueryFilters().CountAsync());
        Assert.Equal(1, await insights.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM formation_migrations WHERE module = 'Formation.Insights' AND migration = '0002_ratings'").SingleAsync());

        // An older database: the table is not there yet; the migration adds it, with its unique index.
        await insights.Database.ExecuteSqlRawAsync("DROP TABLE insights_module_rating");
        await using (var transaction = await database.BeginTransactionAsync())
        {
            await new M0002_Ratings().UpAsync(insights, default);
            await transaction.CommitAsync();
        }
        await factory.EnsurePlatformAsync();
        await factory.InTenantAsync(Formation.Shell.Tenancy.TenantInfo.PlatformId, async sp =>
        {
            var db = sp.GetRequiredService<InsightsDbContext>();
            db.Ratings.Add(new ModuleRating { ModuleId = Guid.Empty, UserId = "u1", Stars = 4 });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            db.Ratings.Add(new ModuleRating { ModuleId = Guid.Empty, UserId = "u1", Stars = 2 });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return true;
        });
    }
}
