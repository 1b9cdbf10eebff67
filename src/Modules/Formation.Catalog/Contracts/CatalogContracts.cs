using Formation.Shell.Events;

namespace Formation.Catalog.Contracts;

/// <summary>Prices in euro cents (excluding VAT), per buyer type. A MOOC is free for everyone.</summary>
public sealed record ModulePrices(long IndividualCents, long EmployerSeatCents, long InstituteLicenceCents)
{
    public const int MaxEmployerTiers = 5;

    public static readonly ModulePrices Free = new(0, 0, 0);
    public bool IsFree => IndividualCents == 0 && EmployerSeatCents == 0 && InstituteLicenceCents == 0;

    /// <summary>Optional volume prices for employer seats, by increasing minimum quantity (empty: one price whatever the quantity).</summary>
    public IReadOnlyList<EmployerPriceTier> EmployerTiers { get; init; } = [];

    /// <summary>The unit price of one seat when an employer buys <paramref name="quantity"/>: the highest tier reached, else the base price.</summary>
    public long EmployerSeatCentsFor(int quantity) =>
        EmployerTiers.Where(t => t.MinimumSeats <= quantity).OrderByDescending(t => t.MinimumSeats).Select(t => (long?)t.UnitCents).FirstOrDefault()
        ?? EmployerSeatCents;

    public bool Equals(ModulePrices? other) =>
        other is not null && IndividualCents == other.IndividualCents && EmployerSeatCents == other.EmployerSeatCents
        && InstituteLicenceCents == other.InstituteLicenceCents && EmployerTiers.SequenceEqual(other.EmployerTiers);

    public override int GetHashCode() => HashCode.Combine(IndividualCents, EmployerSeatCents, InstituteLicenceCents, EmployerTiers.Count);
}

/// <summary>From <see cref="MinimumSeats"/> seats bought at once, each seat costs <see cref="UnitCents"/> (excluding VAT).</summary>
public sealed record EmployerPriceTier(int MinimumSeats, long UnitCents);

public sealed record TrainingSessionDto(Guid Id, DateOnly StartDate, DateOnly EndDate, int Capacity, string? Tutor);

/// <summary>
/// A published module as other modules see it (search index, enrolment, commerce): the published version's content,
/// who owns it (the platform's shared catalogue or one portal's private module) and who publishes it.
/// </summary>
public sealed record PublishedModule
{
    public required Guid Id { get; init; }
    public required Guid VersionId { get; init; }
    public required int VersionNumber { get; init; }
    public required string OwnerTenantId { get; init; }
    public required string Slug { get; init; }
    public required Guid PublisherId { get; init; }
    public required string PublisherName { get; init; }
    public required string Title { get; init; }
    public required string Summary { get; init; }
    /// <summary>Sanitised HTML.</summary>
    public required string DescriptionHtml { get; init; }
    public IReadOnlyList<string> Objectives { get; init; } = [];
    public IReadOnlyList<string> Outline { get; init; } = [];
    public IReadOnlyList<string> Professions { get; init; } = [];
    public IReadOnlyList<string> Themes { get; init; } = [];
    public ModuleLevel Level { get; init; }
    public ModuleFormat Format { get; init; }
    public decimal DurationHours { get; init; }
    public string Language { get; init; } = "fr";
    public string? Prerequisites { get; init; }
    public string? AccessibilityInfo { get; init; }
    public CertificationKind? CertificationKind { get; init; }
    public string? CertificationCode { get; init; }
    public bool CpfEligible { get; init; }
    public string? CoverImageUrl { get; init; }
    public required ModulePrices Prices { get; init; }
    public IReadOnlyList<TrainingSessionDto> Sessions { get; init; } = [];
    public required DateTimeOffset PublishedUtc { get; init; }
    /// <summary>Withdrawn from the catalogue: only <see cref="ICatalogReader.GetLastPublishedAsync"/> returns it, for enrolled learners.</summary>
    public bool IsRetired { get; init; }

    public bool IsCertifying => CertificationCode is not null;
    public bool IsFree => Prices.IsFree;
    public string Source => OwnerTenantId == Formation.Shell.Tenancy.TenantInfo.PlatformId ? ModuleSources.Platform : ModuleSources.Portal;
}

/// <summary>How a portal chooses which of the platform's shared modules it shows (its own private modules always show).</summary>
public enum CurationMode { All, Rules, HandPicked }

public sealed record CatalogCurationDto(CurationMode Mode, IReadOnlyList<string> Themes, IReadOnlyList<string> Professions, IReadOnlyList<Guid> PickedModuleIds)
{
    public static readonly CatalogCurationDto ShowAll = new(CurationMode.All, [], [], []);

    /// <summary>Whether the portal <paramref name="tenantId"/> shows this published module.</summary>
    public bool Shows(PublishedModule module, string tenantId)
    {
        if (module.OwnerTenantId == tenantId) return true;
        if (module.OwnerTenantId != Formation.Shell.Tenancy.TenantInfo.PlatformId) return false;
        return Mode switch
        {
            CurationMode.All => true,
            CurationMode.Rules => module.Themes.Intersect(Themes).Any() || module.Professions.Intersect(Professions).Any(),
            CurationMode.HandPicked => PickedModuleIds.Contains(module.Id),
            _ => false,
        };
    }
}

/// <summary>The catalogue's read side, for other modules.</summary>
public interface ICatalogReader
{
    Task<PublishedModule?> GetPublishedAsync(Guid moduleId, CancellationToken ct = default);
    /// <summary>The published modules among these ids, in the order asked (unknown or unpublished ids are skipped).</summary>
    Task<IReadOnlyList<PublishedModule>> GetPublishedManyAsync(IReadOnlyList<Guid> moduleIds, CancellationToken ct = default);
    /// <summary>Every published module, streamed (index rebuilds).</summary>
    IAsyncEnumerable<PublishedModule> StreamPublishedAsync(CancellationToken ct = default);
    Task<CatalogCurationDto> GetCurationAsync(string tenantId, CancellationToken ct = default);
    /// <summary>
    /// The last published version of a module even when it was retired (<see cref="PublishedModule.IsRetired"/>), or null
    /// if it never was published: learners already enrolled keep their access to a retired module.
    /// </summary>
    Task<PublishedModule?> GetLastPublishedAsync(Guid moduleId, CancellationToken ct = default);
}

/// <summary>
/// Lets another module (the review) keep a submitted version from being edited while it decides on it. No lock
/// registered (a portal without the review) means a submitted version stays editable until an administrator publishes it.
/// </summary>
public interface IModuleEditLock
{
    /// <summary>A French reason why the module's submitted version cannot be edited now, or null.</summary>
    Task<string?> ReasonAsync(Guid moduleId, CancellationToken ct = default);
}

/// <summary>
/// Whether someone may still open a module that is no longer in the catalogue (retired): learning answers for its
/// enrolments. No provider registered means nobody.
/// </summary>
public interface IRetiredModuleAccess
{
    Task<bool> HasAccessAsync(string userId, Guid moduleId, CancellationToken ct = default);
}

/// <summary>A module version became the published one (first publication or a new version replacing the previous).</summary>
public sealed record ModulePublished(Guid ModuleId, Guid VersionId, string OwnerTenantId) : IDomainEvent;

/// <summary>A publisher handed a draft over for review (the review process starts or resumes its round).</summary>
public sealed record ModuleSubmitted(Guid ModuleId, Guid VersionId, string OwnerTenantId, Guid PublisherId) : IDomainEvent;

/// <summary>A module is no longer published (retired or unpublished).</summary>
public sealed record ModuleUnpublished(Guid ModuleId, string OwnerTenantId) : IDomainEvent;

/// <summary>A portal changed which shared modules it shows.</summary>
public sealed record CatalogCurationChanged(string TenantId) : IDomainEvent;

/// <summary>The figures of a portal's catalogue home: how many modules it shows, the newest ones, and counts per theme and profession.</summary>
public sealed record CatalogOverview(int Total, IReadOnlyList<PublishedModule> Newest, IReadOnlyDictionary<string, int> ByTheme, IReadOnlyDictionary<string, int> ByProfession);

/// <summary>
/// Computes <see cref="CatalogOverview"/> for the current portal. The catalogue's own implementation reads the database
/// (fine for hundreds of modules); the search module replaces it with one answered from its index.
/// </summary>
public interface ICatalogOverview
{
    Task<CatalogOverview> GetAsync(int newest, CancellationToken ct = default);
}

/// <summary>A version of a module as its publisher sees it in the workspace (any state).</summary>
public sealed record ModuleVersionSummary(Guid Id, int Number, string State, string Title, decimal DurationHours);

/// <summary>A module of the current portal with all its versions, for modules that attach things to versions (content packages).</summary>
public sealed record AuthoredModule(Guid Id, string OwnerTenantId, string Slug, Guid PublisherId, string PublisherName,
    Guid? PublishedVersionId, IReadOnlyList<ModuleVersionSummary> Versions);

/// <summary>The authoring side other modules may read: a module owned by the current portal, whatever its state.</summary>
public interface ICatalogAuthoringReader
{
    /// <summary>The module of the current portal, or null (another portal's module, unknown id).</summary>
    Task<AuthoredModule?> GetOwnAsync(Guid moduleId, CancellationToken ct = default);
    /// <summary>The module of the current portal with this slug, or null.</summary>
    Task<AuthoredModule?> GetOwnBySlugAsync(string slug, CancellationToken ct = default);
}

/// <summary>An action another module offers on a published module's page (enrol, resume…), shown in the price box.</summary>
/// <param name="Post">True: a form posted (with the anti-forgery token) to <paramref name="Url"/>; false: a link.</param>
public sealed record ModulePageAction(string Label, string Url, bool Post, string? Note = null);

/// <summary>Contributed by other modules (registered as scoped services); asked in registration order, the first non-null wins.</summary>
public interface IModulePageActions
{
    /// <summary>The feature that must be on for the portal; null when always.</summary>
    string? FeatureId { get; }
    Task<ModulePageAction?> ForAsync(PublishedModule module, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct = default);
}

/// <summary>A link other modules add on each module row of the publisher workspace (e.g. "Contenu").</summary>
public sealed record ModuleWorkspaceLink(string Label, string UrlFormat, string FeatureId)
{
    /// <summary>The link of one module: <c>{0}</c> in <see cref="UrlFormat"/> is the module id.</summary>
    public string UrlFor(Guid moduleId) => string.Format(System.Globalization.CultureInfo.InvariantCulture, UrlFormat, moduleId);
}
