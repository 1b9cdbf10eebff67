using Formation.Search.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Search;

public sealed record ZeroResultQueryDto(string TenantId, string Query, int Count, DateTimeOffset LastSeenUtc);

/// <summary>What people searched for in vain: the search module's public contract for the training-needs watch.</summary>
public interface ISearchAnalytics
{
    /// <summary>The most frequent searches without result, on the current portal or (for platform operators) every portal.</summary>
    Task<IReadOnlyList<ZeroResultQueryDto>> ZeroResultQueriesAsync(bool allPortals, int top, CancellationToken ct = default);
}

internal sealed class SearchAnalytics(SearchDbContext db) : ISearchAnalytics
{
    public async Task<IReadOnlyList<ZeroResultQueryDto>> ZeroResultQueriesAsync(bool allPortals, int top, CancellationToken ct = default)
    {
        var rows = allPortals ? db.ZeroResultQueries.IgnoreQueryFilters() : db.ZeroResultQueries;
        return await rows.AsNoTracking().OrderByDescending(q => q.Count).ThenBy(q => q.Query).Take(top)
            .Select(q => new ZeroResultQueryDto(q.TenantId, q.Query, q.Count, q.LastSeenUtc)).ToListAsync(ct);
    }
}
