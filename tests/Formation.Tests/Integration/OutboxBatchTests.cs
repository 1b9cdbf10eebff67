using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Tenancy;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Integration;

public sealed record OutboxBatchProbe(string Mark) : IDomainEvent;

/// <summary>
/// Writers that bypass EF Core (the LRS's statement batches) put their events in the outbox with the same SQL batch:
/// the rows read back through EF Core as if EF Core had written them, on PostgreSQL (the only database here with batches).
/// </summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class OutboxBatchTests(FormationFactory factory)
{
    [Fact]
    public async Task Events_added_to_a_raw_batch_reach_the_outbox_in_order_with_their_portal_and_time()
    {
        if (!factory.UsesPostgres) return; // SQLite's ADO.NET provider has no batches (its writers run in process, one command at a time)
        var mark = Guid.NewGuid().ToString("N");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await factory.EnsurePlatformAsync();
        await factory.InTenantAsync(TenantInfo.PlatformId, async sp =>
        {
            var database = sp.GetRequiredService<ShellDatabase>();
            var events = sp.GetRequiredService<DomainEvents>();
            if (database.Connection.State != System.Data.ConnectionState.Open) await database.Connection.OpenAsync();
            await using var batch = database.Connection.CreateBatch();
            IDomainEvent[] raised = [new OutboxBatchProbe(mark + "-1"), new OutboxBatchProbe(mark + "-2")];
            events.AddTo(batch, raised);
            await batch.ExecuteNonQueryAsync();
            events.Written(raised);
            return true;
        });

        var rows = await factory.InTenantAsync(TenantInfo.PlatformId, sp => sp.GetRequiredService<ShellDbContext>().Outbox.AsNoTracking()
            .Where(m => m.Payload.Contains(mark)).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([mark + "-1", mark + "-2"], rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<OutboxBatchProbe>(r.Payload, DomainEvents.Json)!.Mark));
        Assert.All(rows, r =>
        {
            Assert.Equal(EventTypes.NameOf(typeof(OutboxBatchProbe)), r.Type);
            Assert.Equal(TenantInfo.PlatformId, r.TenantId);
            Assert.InRange(r.CreatedUtc, before, DateTimeOffset.UtcNow.AddSeconds(1));
        });
    }
}
