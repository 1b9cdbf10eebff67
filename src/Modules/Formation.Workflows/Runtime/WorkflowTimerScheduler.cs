using Formation.Shell.Tenancy;
using Formation.Workflows.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formation.Workflows.Runtime;

/// <summary>
/// Fires due workflow timers (reminders, escalations, timed transitions) for every portal. Timers are rows, so those
/// pending when the host stops fire at the next start. The loop sleeps on <see cref="TimeProvider"/> (a fake clock in
/// tests wakes it when advanced) for <c>Workflows:TimerPollSeconds</c> (30 s by default). Each timer fires once even with
/// several nodes polling: see <see cref="WorkflowEngine.FireTimerAsync"/>.
/// </summary>
public sealed class WorkflowTimerScheduler(
    IServiceScopeFactory scopes, ITenantDirectory directory, TimeProvider time, IConfiguration configuration, ILogger<WorkflowTimerScheduler> logger)
    : BackgroundService
{
    /// <summary>A timer whose effect keeps failing (not a refusal: an error) is given up after this many attempts.</summary>
    public const int MaxAttempts = 10;
    private const int BatchSize = 100;

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Workflows:TimerPollSeconds", 30)));
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>How many times the background loop has polled (tests wait on it).</summary>
    public int Polls => Volatile.Read(ref _polls);
    private int _polls;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await RunDueTimersAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Workflow timers: poll failed; retrying");
            }
            Interlocked.Increment(ref _polls);
            // The clock moved a whole interval during the run (a slow run, or a test advancing its clock): poll again now.
            if (time.GetUtcNow() - started >= _interval) continue;
            try
            {
                await Task.Delay(_interval, time, stoppingToken).ConfigureAwait(false);
                // A fake clock completes the delay inside Advance(): carry on off the caller's thread.
                await Task.Yield();
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Fires every timer due now; returns how many had an effect. Safe to call alongside the loop.</summary>
    public async Task<int> RunDueTimersAsync(CancellationToken ct = default)
    {
        await _running.WaitAsync(ct);
        try
        {
            var fired = 0;
            while (true)
            {
                var now = time.GetUtcNow();
                List<(Guid Id, string TenantId)> due;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
                    due = (await db.Timers.IgnoreQueryFilters().AsNoTracking()
                            .Where(t => t.FiredUtc == null && t.CancelledUtc == null && t.DueUtc <= now && t.Attempts < MaxAttempts)
                            .OrderBy(t => t.DueUtc).Take(BatchSize)
                            .Select(t => new { t.Id, t.TenantId }).ToListAsync(ct))
                        .Select(t => (t.Id, t.TenantId)).ToList();
                }
                if (due.Count == 0) return fired;
                var tenants = (await directory.GetAllAsync(ct)).ToDictionary(t => t.Id);
                var progress = false;
                foreach (var (id, tenantId) in due)
                {
                    if (!tenants.TryGetValue(tenantId, out var tenant)) continue;
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
                        if (await scope.ServiceProvider.GetRequiredService<WorkflowEngine>().FireTimerAsync(id, ct)) fired++;
                        progress = true;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "Workflow timer {Timer} failed", id);
                        await RecordFailureAsync(id, tenant, ex, ct);
                        progress = true;
                    }
                }
                if (!progress || due.Count < BatchSize) return fired;
            }
        }
        finally { _running.Release(); }
    }

    private async Task RecordFailureAsync(Guid id, TenantInfo tenant, Exception error, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var message = error.Message.Length > 2000 ? error.Message[..2000] : error.Message;
        await db.Timers.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts + 1).SetProperty(t => t.LastError, message), ct);
    }
}
