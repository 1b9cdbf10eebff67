using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formation.Shell.Events;

/// <summary>A fact a module announces to others (e.g. a module version was published). Serialised as JSON in the outbox.</summary>
public interface IDomainEvent;

public interface IDomainEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, CancellationToken cancellationToken);
}

/// <summary>A domain event waiting in the outbox, written in the same transaction as the change it reports.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public string? TenantId { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset? ProcessedUtc { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

public sealed class ShellDbContext(DbContextOptions<ShellDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<ShellDbContext>(options, database, tenant)
{
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var outbox = modelBuilder.Entity<OutboxMessage>();
        outbox.ToTable("formation_outbox");
        outbox.Property(m => m.Type).HasMaxLength(300);
        outbox.Property(m => m.TenantId).HasMaxLength(64);
        outbox.HasIndex(m => new { m.ProcessedUtc, m.Id });
    }
}

public sealed class ShellSchema : CreateSchemaMigration<ShellDbContext>
{
    public override string Id => "0001_outbox";
}

/// <summary>Wakes the dispatcher as soon as events are committed, so that followers react within milliseconds.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    public void Notify() { if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { } }
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>Raises events inside the current unit of work: they are stored with the change, then dispatched after commit.</summary>
public sealed class DomainEvents(IServiceProvider services, ShellDatabase database, OutboxSignal signal, TenantContext tenant, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Resolved on the first event only: many scopes that could raise one (every xAPI request) raise none, and a
    // DbContext costs its set-up when it joins the scope's connection.
    private ShellDbContext? _db;

    public Task RaiseAsync(IDomainEvent domainEvent, CancellationToken ct = default) => RaiseAllAsync([domainEvent], ct);

    /// <summary>Several events in one write (one round trip), in order.</summary>
    public async Task RaiseAllAsync(IReadOnlyCollection<IDomainEvent> domainEvents, CancellationToken ct = default)
    {
        if (domainEvents.Count == 0) return;
        var db = _db ??= services.GetRequiredService<ShellDbContext>();
        foreach (var domainEvent in domainEvents)
            db.Outbox.Add(new OutboxMessage
            {
                Type = EventTypes.NameOf(domainEvent.GetType()),
                Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), Json),
                TenantId = tenant.TenantId,
                CreatedUtc = time.GetUtcNow(),
            });
        await db.SaveChangesAsync(ct);
        // Outside a transaction the row is committed already; inside one, wake the dispatcher when it commits.
        Written(domainEvents);
    }

    private bool _subscribed;

    /// <summary>
    /// Adds the outbox rows of these events to a batch of raw SQL, for writers that bypass EF Core to save round trips.
    /// The rows are committed with the batch; call <see cref="Written"/> once it ran.
    /// </summary>
    public void AddTo(DbBatch batch, IReadOnlyCollection<IDomainEvent> domainEvents)
    {
        // Batches exist on PostgreSQL only (Microsoft.Data.Sqlite has none), where the column is a timestamptz.
        var created = time.GetUtcNow().UtcDateTime;
        foreach (var domainEvent in domainEvents)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = "INSERT INTO formation_outbox (\"Type\", \"Payload\", \"TenantId\", \"CreatedUtc\", \"Attempts\") VALUES (@type, @payload, @tenant, @created, 0)";
            Add(command, "@type", EventTypes.NameOf(domainEvent.GetType()));
            Add(command, "@payload", JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), Json));
            Add(command, "@tenant", (object?)tenant.TenantId ?? DBNull.Value);
            Add(command, "@created", created);
            batch.BatchCommands.Add(command);
        }

        static void Add(DbBatchCommand command, string name, object value)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
    }

    /// <summary>The batch holding rows from <see cref="AddTo"/> ran: wake the dispatcher now, or when the open transaction commits.</summary>
    public void Written(IReadOnlyCollection<IDomainEvent> domainEvents)
    {
        if (domainEvents.Count == 0) return;
        if (database.Transaction is null) signal.Notify();
        else if (!_subscribed) { database.Committed += signal.Notify; _subscribed = true; }
    }
}

public static class EventTypes
{
    private static readonly ConcurrentDictionary<string, Type?> Cache = new();
    public static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
    public static Type? Resolve(string name) => Cache.GetOrAdd(name, n => Type.GetType(n, throwOnError: false));
}

/// <summary>
/// Delivers outbox messages to every <see cref="IDomainEventHandler{TEvent}"/>, in order, at least once
/// (handlers are idempotent). A failing message is retried with a growing delay, up to 10 attempts.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, OutboxSignal signal, ITenantDirectory directory, TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public const int MaxAttempts = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Outbox dispatch failed; retrying");
            }
            try { await signal.WaitAsync(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Dispatches one batch; returns how many messages were delivered.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        List<OutboxMessage> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShellDbContext>();
            batch = await db.Outbox.AsNoTracking().Where(m => m.ProcessedUtc == null && m.Attempts < MaxAttempts)
                .OrderBy(m => m.Id).Take(100).ToListAsync(ct);
        }
        var delivered = 0;
        foreach (var message in batch)
        {
            if (message.Attempts > 0 && message.CreatedUtc.AddSeconds(Math.Pow(2, message.Attempts)) > time.GetUtcNow()) continue;
            string? error = null;
            try { await DeliverAsync(message, ct); delivered++; }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex.Message;
                logger.LogError(ex, "Outbox message {Id} ({Type}) failed", message.Id, message.Type);
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShellDbContext>();
            var row = await db.Outbox.FirstAsync(m => m.Id == message.Id, ct);
            if (error is null) row.ProcessedUtc = time.GetUtcNow();
            else { row.Attempts++; row.LastError = error.Length > 2000 ? error[..2000] : error; }
            await db.SaveChangesAsync(ct);
            if (error is not null) break; // keep order: later messages wait for this one
        }
        return delivered;
    }

    private async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var type = EventTypes.Resolve(message.Type) ?? throw new InvalidOperationException($"Unknown event type {message.Type}");
        var domainEvent = JsonSerializer.Deserialize(message.Payload, type, DomainEvents.Json)!;
        await using var scope = scopes.CreateAsyncScope();
        if (message.TenantId is not null)
        {
            var tenant = (await directory.GetAllAsync(ct)).FirstOrDefault(t => t.Id == message.TenantId);
            if (tenant is not null) scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        }
        var handlerType = typeof(IDomainEventHandler<>).MakeGenericType(type);
        foreach (var handler in scope.ServiceProvider.GetServices(handlerType))
        {
            var task = (Task)handlerType.GetMethod(nameof(IDomainEventHandler<IDomainEvent>.HandleAsync))!.Invoke(handler, [domainEvent, ct])!;
            await task;
        }
    }
}
