using System.Diagnostics;
using System.Globalization;

namespace Formation.Benchmarks.Measuring;

/// <summary>Latency samples of one measurement, in milliseconds, and their percentiles (nearest rank).</summary>
public sealed class Latency
{
    private readonly List<double> _samples = [];

    public int Count => _samples.Count;
    public IReadOnlyList<double> Samples => _samples;

    public void Add(long startTimestamp) => _samples.Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void AddMilliseconds(double ms) => _samples.Add(ms);

    public double Percentile(double p)
    {
        if (_samples.Count == 0) return double.NaN;
        var sorted = _samples.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public double P50 => Percentile(50);
    public double P95 => Percentile(95);
    public double P99 => Percentile(99);
    public double Mean => _samples.Count == 0 ? double.NaN : _samples.Average();

    public static string Ms(double ms) => double.IsNaN(ms) ? "—" : ms < 10 ? ms.ToString("0.00", CultureInfo.InvariantCulture) : ms.ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>How many times a measurement runs: warm-up first, then up to <see cref="Iterations"/> timed runs within <see cref="TimeLimit"/>.</summary>
public sealed record Budget(int Warmup, int Iterations, TimeSpan TimeLimit, int MinimumIterations = 20)
{
    /// <summary>Runs <paramref name="action"/> under this budget, adding each timed run to <paramref name="latency"/>.</summary>
    public async Task RunAsync(Latency latency, Func<Task> action)
    {
        for (var i = 0; i < Warmup; i++) await action();
        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < Iterations && (i < MinimumIterations || deadline.Elapsed < TimeLimit); i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            latency.Add(start);
        }
    }
}
