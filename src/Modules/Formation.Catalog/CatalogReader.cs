using System.Runtime.CompilerServices;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Caching;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Catalog;

/// <summary>
/// Each portal's curation, read on every search and catalogue page: kept in memory, dropped by
/// <see cref="CatalogAuthoring.SetCurationAsync"/> once saved.
/// </summary>
public sealed class CurationCache(TimeProvider time) : PortalCache<CatalogCurationDto>(time);

/// <summary>The catalogue's read side: for other modules (<see cref="ICatalogReader"/>) and for the portal's pages (visibility applied).</summary>
public sealed class CatalogReader(CatalogDbContext db, TenantContext tenant, CurationCache curations) : ICatalogReader, ICatalogOverview, ICatalogAuthoringReader
{
    public Task<AuthoredModule?> GetOwnAsync(Guid moduleId, CancellationToken ct = default) => OwnAsync(x => x.Id == moduleId, ct);
    public Task<AuthoredModule?> GetOwnBySlugAsync(string slug, CancellationToken ct = default) => OwnAsync(x => x.Slug == slug, ct);

    private async Task<AuthoredModule?> OwnAsync(System.Linq.Expressions.Expression<Func<TrainingModule, bool>> which, CancellationToken ct)
    {
        var owner = tenant.Required.Id;
        var m = await db.Modules.AsNoTracking().Include(x => x.Versions).Where(x => x.OwnerTenantId == owner).FirstOrDefaultAsync(which, ct);
        return m is null ? null : new AuthoredModule(m.Id, m.OwnerTenantId, m.Slug, m.PublisherId, m.PublisherName, m.Retired ? null : m.PublishedVersionId,
            m.Versions.OrderByDescending(v => v.Number).Select(v => new ModuleVersionSummary(v.Id, v.Number, v.State.ToString(), v.Content.Title, v.Content.DurationHours)).ToList());
    }

    public const string CoverRoute = "/formations/couvertures/";

    public async Task<PublishedModule?> GetPublishedAsync(Guid moduleId, CancellationToken ct = default)
    {
        var module = await PublishedModules().FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        return module is null ? null : ToPublished(module);
    }

    public async Task<IReadOnlyList<PublishedModule>> GetPublishedManyAsync(IReadOnlyList<Guid> moduleIds, CancellationToken ct = default)
    {
        var found = (await PublishedModules().Where(m => moduleIds.Contains(m.Id)).ToListAsync(ct)).ToDictionary(m => m.Id);
        return moduleIds.Where(found.ContainsKey).Select(id => ToPublished(found[id])).ToList();
    }

    public async IAsyncEnumerable<PublishedModule> StreamPublishedAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var module in PublishedModules().AsAsyncEnumerable().WithCancellation(ct))
            yield return ToPublished(module);
    }

    public async Task<PublishedModule?> GetLastPublishedAsync(Guid moduleId, CancellationToken ct = default)
    {
        var module = await PublishedModules(includeRetired: true).FirstOrDefaultAsync(m => m.Id == moduleId, ct);
        return module is null ? null : ToPublished(module) with { IsRetired = module.Retired };
    }

    /// <summary>A retired module of this slug that the signed-in person may still open (enrolled before it was retired), or null.</summary>
    public async Task<PublishedModule?> FindRetiredForAsync(string slug, string? userId, IEnumerable<IRetiredModuleAccess> access, CancellationToken ct = default)
    {
        if (userId is null) return null;
        var current = tenant.Required.Id;
        var ids = await db.Modules.AsNoTracking()
            .Where(m => m.Slug == slug && m.Retired && m.PublishedVersionId != null && (m.OwnerTenantId == current || m.OwnerTenantId == TenantInfo.PlatformId))
            .Select(m => m.Id).ToListAsync(ct);
        foreach (var id in ids)
            foreach (var provider in access)
                if (await provider.HasAccessAsync(userId, id, ct)) return await GetLastPublishedAsync(id, ct);
        return null;
    }

    public async Task<CatalogCurationDto> GetCurationAsync(string tenantId, CancellationToken ct = default) =>
        await curations.GetOrLoadAsync(tenantId, async c =>
        {
            var row = await db.Curations.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(x => x.TenantId == tenantId, c);
            return row?.ToDto() ?? CatalogCurationDto.ShowAll;
        }, ct);

    /// <summary>The published module of this slug that the current portal shows (its own first), or null.</summary>
    public async Task<PublishedModule?> FindVisibleAsync(string slug, CancellationToken ct = default)
    {
        var current = tenant.Required.Id;
        var candidates = await PublishedModules()
            .Where(m => m.Slug == slug && (m.OwnerTenantId == current || m.OwnerTenantId == TenantInfo.PlatformId))
            .ToListAsync(ct);
        var curation = await GetCurationAsync(current, ct);
        return candidates.Select(ToPublished).OrderBy(m => m.OwnerTenantId == current ? 0 : 1).FirstOrDefault(m => curation.Shows(m, current));
    }

    /// <summary>Every published module the current portal shows (of one publisher, when given).</summary>
    public async Task<List<PublishedModule>> ListVisibleAsync(Guid? publisherId = null, CancellationToken ct = default)
    {
        var current = tenant.Required.Id;
        var curation = await GetCurationAsync(current, ct);
        var modules = await PublishedModules()
            .Where(m => (m.OwnerTenantId == current || m.OwnerTenantId == TenantInfo.PlatformId) && (publisherId == null || m.PublisherId == publisherId))
            .ToListAsync(ct);
        return modules.Select(ToPublished).Where(m => curation.Shows(m, current)).ToList();
    }

    public async Task<CatalogOverview> GetAsync(int newest, CancellationToken ct = default)
    {
        var modules = await ListVisibleAsync(null, ct);
        return new CatalogOverview(
            modules.Count,
            modules.OrderByDescending(m => m.PublishedUtc).Take(newest).ToList(),
            modules.SelectMany(m => m.Themes).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count()),
            modules.SelectMany(m => m.Professions).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Modules with a published version and what their page shows; retired ones only for enrolled learners' reads.</summary>
    private IQueryable<TrainingModule> PublishedModules(bool includeRetired = false) =>
        db.Modules.AsNoTracking().AsSplitQuery()
            .Where(m => m.PublishedVersionId != null && (includeRetired || !m.Retired))
            .Include(m => m.Versions.Where(v => v.State == VersionState.Published))
            .Include(m => m.Sessions)
            .OrderBy(m => m.Id);

    public static PublishedModule ToPublished(TrainingModule module) => ToPublished(module, module.Published ?? throw new InvalidOperationException("Module not published."));

    /// <summary>A module as learners see it, from any of its versions (the published one, or a draft for the preview).</summary>
    public static PublishedModule ToPublished(TrainingModule module, ModuleVersion version)
    {
        var c = version.Content;
        return new PublishedModule
        {
            Id = module.Id,
            VersionId = version.Id,
            VersionNumber = version.Number,
            OwnerTenantId = module.OwnerTenantId,
            Slug = module.Slug,
            PublisherId = module.PublisherId,
            PublisherName = module.PublisherName,
            Title = c.Title,
            Summary = c.Summary,
            DescriptionHtml = c.DescriptionHtml,
            Objectives = c.Objectives,
            Outline = c.Outline,
            Professions = c.Professions,
            Themes = c.Themes,
            Level = c.Level,
            Format = c.Format,
            DurationHours = c.DurationHours,
            Language = c.Language,
            Prerequisites = c.Prerequisites,
            AccessibilityInfo = c.AccessibilityInfo,
            CertificationKind = c.CertificationKind,
            CertificationCode = c.CertificationCode,
            CpfEligible = c.CpfEligible,
            CoverImageUrl = c.CoverImage is null ? null : CoverRoute + c.CoverImage,
            Prices = c.Prices,
            Sessions = module.Sessions.OrderBy(s => s.StartDate).Select(s => new TrainingSessionDto(s.Id, s.StartDate, s.EndDate, s.Capacity, s.Tutor)).ToList(),
            PublishedUtc = version.PublishedUtc ?? version.CreatedUtc,
        };
    }
}
