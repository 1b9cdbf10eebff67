using System.Data.Common;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formation.Lrs.Xapi;

/// <summary>Statements of one HTTP request, validated, waiting for the writer.</summary>
internal sealed record IngestRequest(TenantInfo Tenant, IReadOnlyList<JsonObject> Statements, JsonObject Authority, string DefaultVersion,
    IReadOnlyList<IncomingAttachment> Attachments)
{
    public TaskCompletionSource<IReadOnlyList<Guid>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit for /xapi statement writes. A commit costs one disk flush (durable storage), so one transaction per
/// request caps ingest at the disk's flush rate. Requests are validated in parallel, then one writer stores whatever
/// has queued up in one transaction — on PostgreSQL first as one multi-row insert a portal, in one round trip; else,
/// or when that meets a stored id, each request under its own savepoint (a conflict fails that request only; the
/// store opens and releases it in the round trips of its own writes) — and
/// answers every request after the commit: an acknowledged statement is always on disk.
/// </summary>
internal sealed class IngestQueue(IServiceScopeFactory scopes, DatabaseSettings settings, ILogger<IngestQueue> logger) : BackgroundService
{
    private const int MaxStatementsPerCommit = 1000;
    private readonly Channel<IngestRequest> _channel = Channel.CreateBounded<IngestRequest>(new BoundedChannelOptions(10_000) { SingleReader = true });

    public async Task<IReadOnlyList<Guid>> StoreAsync(IngestRequest request, CancellationToken ct)
    {
        await _channel.Writer.WriteAsync(request, ct);
        return await request.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IngestRequest>();
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var count = 0;
                while (count < MaxStatementsPerCommit && _channel.Reader.TryRead(out var request))
                {
                    batch.Add(request);
                    count += request.Statements.Count;
                }
                await WriteAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        while (_channel.Reader.TryRead(out var left)) left.Done.TrySetCanceled();
    }

    private async Task WriteAsync(List<IngestRequest> batch)
    {
        if (settings.Provider != DatabaseProvider.Postgres)
        {
            await WriteRequestByRequestAsync(batch);
            return;
        }
        foreach (var portal in batch.GroupBy(r => r.Tenant.Id))
        {
            var requests = portal.ToList();
            if (!await TryWriteTogetherAsync(requests)) await WriteRequestByRequestAsync(requests);
        }
    }

    /// <summary>
    /// PostgreSQL, where each round trip costs: requests of one portal are stored and committed in one round trip.
    /// Falls back (false) when the store asks for it or the database refuses (a statement id stored already).
    /// </summary>
    private async Task<bool> TryWriteTogetherAsync(List<IngestRequest> batch)
    {
        (IReadOnlyList<Guid>? Ids, Exception? Error)[]? results;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(batch[0].Tenant);
            var store = scope.ServiceProvider.GetRequiredService<StatementStore>();
            // No transaction opened: the store's single batch commits by itself.
            results = await store.TryStoreGroupAsync(batch.Select(r => new StatementStore.GroupRequest(r.Statements, r.Authority, r.DefaultVersion, r.Attachments)).ToList(),
                CancellationToken.None);
            if (results is null) return false;
        }
        catch (DbException ex)
        {
            // Usually a statement sent again (a client retrying): the request-by-request path tells a repeat from a conflict.
            logger.LogDebug(ex, "Storing {Count} xAPI requests together failed; storing them one by one", batch.Count);
            return false;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Storing {Count} xAPI requests failed", batch.Count);
            foreach (var request in batch) request.Done.TrySetException(ex);
            return true;
        }
        Answer(batch, results);
        return true;
    }

    private async Task WriteRequestByRequestAsync(List<IngestRequest> batch)
    {
        var results = new (IReadOnlyList<Guid>? Ids, Exception? Error)[batch.Count];
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<ShellDatabase>();
            var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
            var store = scope.ServiceProvider.GetRequiredService<StatementStore>();
            await using var transaction = await database.BeginTransactionAsync();
            // Alone in its transaction, a request needs no savepoint: its failure rolls the transaction back.
            var alone = batch.Count == 1;
            for (var i = 0; i < batch.Count; i++)
            {
                var request = batch[i];
                tenant.Set(request.Tenant);
                try
                {
                    results[i] = (await store.StoreAsync(request.Statements, request.Authority, request.DefaultVersion, request.Attachments, CancellationToken.None,
                        savepoint: alone ? null : $"r{i}"), null);
                }
                catch (Exception ex) when (ex is XapiException or DbException)
                {
                    results[i] = (null, ex); // the store rolled its savepoint back
                }
            }
            if (alone && results[0].Error is not null) await transaction.RollbackAsync();
            else await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Storing {Count} xAPI requests failed", batch.Count);
            foreach (var request in batch) request.Done.TrySetException(ex);
            return;
        }
        Answer(batch, results);
    }

    private static void Answer(List<IngestRequest> batch, (IReadOnlyList<Guid>? Ids, Exception? Error)[] results)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Error is { } error) batch[i].Done.TrySetException(error);
            else batch[i].Done.TrySetResult(results[i].Ids!);
        }
    }
}
