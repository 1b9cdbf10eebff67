namespace Formation.NationalCatalog.Import;

/// <summary>One sync at a time in this process (a singleton per host).</summary>
public sealed class SyncLock
{
    public SemaphoreSlim Running { get; } = new(1, 1);
}

/// <summary>What the running sync is doing, for the operators' page (this node only; the run row says "en cours" to the others).</summary>
public sealed class SyncProgress
{
    private readonly Lock _lock = new();
    private (long RunId, string Phase, long Done, long Total, long Rows)? _state;

    public void Set(long runId, string phase, long done, long total, long rows)
    {
        lock (_lock) _state = (runId, phase, done, total, rows);
    }

    public void Clear() { lock (_lock) _state = null; }

    public (long RunId, string Phase, long Done, long Total, long Rows)? Current { get { lock (_lock) return _state; } }
}
