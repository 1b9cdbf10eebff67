namespace Formation.Shell.Tenancy;

public enum TenantStatus { Active, Suspended }

public sealed record FooterLink(string Text, string Url);

/// <summary>The white-label look of a portal.</summary>
public sealed record TenantBrand
{
    /// <summary>Short name shown in the header and in page titles.</summary>
    public string SiteTitle { get; init; } = "Formation";
    public string? Tagline { get; init; }
    /// <summary>Name of the body in the header's brand block (e.g. "Département du Nord").</summary>
    public string? OperatorName { get; init; }
    /// <summary>Relative URL of the logo served by the portal, or null for none.</summary>
    public string? LogoUrl { get; init; }
    /// <summary>Primary colour as #RRGGBB.</summary>
    public string PrimaryColor { get; init; } = "#000091";
    public IReadOnlyList<FooterLink> FooterLinks { get; init; } = [];
    public string? LegalNotice { get; init; }
    public string? AccessibilityStatement { get; init; }
}

/// <summary>OpenID Connect single sign-on of a portal (ProConnect-compatible). The client secret comes from configuration.</summary>
public sealed record TenantOidcSettings(bool Enabled, string Authority, string ClientId, string DisplayName, string Scopes = "openid email profile");

/// <summary>An immutable snapshot of a portal, as the request pipeline sees it.</summary>
public sealed record TenantInfo
{
    public const string PlatformId = "plateforme";

    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string> Hosts { get; init; } = [];
    /// <summary>Optional first path segment that reaches the portal from the platform's hosts (e.g. "departement").</summary>
    public string? UrlPrefix { get; init; }
    public string ThemeId { get; init; } = "dsfr";
    public TenantStatus Status { get; init; } = TenantStatus.Active;
    public TenantBrand Brand { get; init; } = new();
    public IReadOnlySet<string> EnabledFeatures { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    public TenantOidcSettings? Oidc { get; init; }

    public bool IsPlatform => Id == PlatformId;
}

/// <summary>The list of portals, kept by the Tenants module. Cached; invalidated when a portal changes.</summary>
public interface ITenantDirectory
{
    ValueTask<IReadOnlyList<TenantInfo>> GetAllAsync(CancellationToken cancellationToken = default);
    void Invalidate();
}

/// <summary>The portal of the current request or job (scoped).</summary>
public sealed class TenantContext
{
    public TenantInfo? Tenant { get; private set; }
    public string? TenantId => Tenant?.Id;
    public TenantInfo Required => Tenant ?? throw new InvalidOperationException("No tenant in this scope.");
    public void Set(TenantInfo tenant) => Tenant = tenant;
}
