using Formation.Shell.Media;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Formation.Shell.Themes;
using Formation.Shell.Validation;
using Formation.Tenants.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Tenants;

public sealed record CreateTenant(string Id, string Name, IReadOnlyList<string> Hosts, string? UrlPrefix, string ThemeId = ThemeService.DefaultThemeId);

/// <summary>The portal use cases shared by the admin pages and the recipe steps.</summary>
public sealed partial class TenantAdministration(
    TenantsDbContext db, ITenantDirectory directory, FeatureService features, ModuleCatalog catalog, AppPaths paths, TimeProvider time)
{
    public const int MaxLogoBytes = 512 * 1024;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62})$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex HostPattern();

    private static readonly HashSet<string> ReservedPrefixes = new(StringComparer.OrdinalIgnoreCase)
    { "api", "health", "dsfr", "vendor", "_content", "_framework", "plateforme", "admin", "compte", "connexion", "erreur", "marque", "openapi", "scalar" };

    public Task<List<Tenant>> ListAsync(CancellationToken ct = default) => db.Tenants.OrderBy(t => t.Id).ToListAsync(ct);

    public async Task<Tenant> GetAsync(string id, CancellationToken ct = default) =>
        await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new ValidationFailedException("Id", $"Le portail « {id} » n'existe pas.");

    public async Task<Tenant> CreateAsync(CreateTenant command, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var id = command.Id?.Trim().ToLowerInvariant() ?? "";
        if (!SlugPattern().IsMatch(id)) errors.Add("Id", "L'identifiant ne peut contenir que des lettres minuscules sans accent, des chiffres et des tirets (64 caractères au plus).");
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Length > 200) errors.Add("Name", "Le nom du portail est obligatoire (200 caractères au plus).");
        var hosts = NormalizeHosts(command.Hosts, errors);
        var prefix = string.IsNullOrWhiteSpace(command.UrlPrefix) ? null : command.UrlPrefix.Trim().Trim('/').ToLowerInvariant();
        if (prefix is not null && (!SlugPattern().IsMatch(prefix) || ReservedPrefixes.Contains(prefix)))
            errors.Add("UrlPrefix", "Le préfixe d'adresse doit être un mot simple (lettres minuscules, chiffres, tirets) et non réservé.");
        if (hosts.Count == 0 && prefix is null) errors.Add("Hosts", "Indiquez au moins un nom d'hôte ou un préfixe d'adresse.");
        if (!catalog.Themes.Any(t => t.Id == command.ThemeId)) errors.Add("ThemeId", $"Le thème « {command.ThemeId} » n'existe pas.");
        errors.ThrowIfAny();

        var existing = await db.Tenants.ToListAsync(ct);
        if (existing.Any(t => t.Id == id)) errors.Add("Id", $"Un portail « {id} » existe déjà.");
        foreach (var host in hosts)
            if (existing.FirstOrDefault(t => t.Hosts.Contains(host)) is { } owner)
                errors.Add("Hosts", $"L'hôte « {host} » sert déjà le portail « {owner.Name} ».");
        if (prefix is not null && existing.Any(t => t.UrlPrefix == prefix)) errors.Add("UrlPrefix", $"Le préfixe « {prefix} » est déjà pris.");
        errors.ThrowIfAny();

        var now = time.GetUtcNow();
        var tenant = new Tenant
        {
            Id = id,
            Name = command.Name.Trim(),
            Hosts = hosts,
            UrlPrefix = prefix,
            ThemeId = command.ThemeId,
            Brand = new TenantBrand { SiteTitle = command.Name.Trim() },
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        db.Tenants.Add(tenant);
        await SaveAsync(ct);
        return tenant;
    }

    public async Task SetStatusAsync(string id, TenantStatus status, CancellationToken ct = default)
    {
        var tenant = await GetAsync(id, ct);
        if (tenant.Id == TenantInfo.PlatformId && status == TenantStatus.Suspended)
            throw new ValidationFailedException("Status", "Le portail de la plateforme ne peut pas être suspendu.");
        tenant.Status = status;
        await SaveAsync(ct, tenant);
    }

    public async Task SetThemeAsync(string id, string themeId, CancellationToken ct = default)
    {
        if (!catalog.Themes.Any(t => t.Id == themeId)) throw new ValidationFailedException("ThemeId", $"Le thème « {themeId} » n'existe pas.");
        var tenant = await GetAsync(id, ct);
        tenant.ThemeId = themeId;
        await SaveAsync(ct, tenant);
    }

    /// <summary>Enables exactly these features (plus what they depend on); core features are always on.</summary>
    public async Task SetFeaturesAsync(string id, IEnumerable<string> enabled, CancellationToken ct = default)
    {
        IReadOnlySet<string> withDependencies;
        try { withDependencies = features.WithDependencies(enabled); }
        catch (ArgumentException ex) { throw new ValidationFailedException("Features", ex.Message.Split(" (")[0]); }
        var tenant = await GetAsync(id, ct);
        tenant.EnabledFeatures = withDependencies.Order(StringComparer.Ordinal).ToList();
        await SaveAsync(ct, tenant);
    }

    public async Task UpdateBrandAsync(string id, TenantBrand brand, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(brand.SiteTitle) || brand.SiteTitle.Length > 80) errors.Add("SiteTitle", "Le titre du site est obligatoire (80 caractères au plus).");
        if (brand.Tagline?.Length > 200) errors.Add("Tagline", "La devise fait 200 caractères au plus.");
        if (brand.OperatorName?.Length > 120) errors.Add("OperatorName", "Le nom de l'opérateur fait 120 caractères au plus.");
        if (!BrandColor.IsHex(brand.PrimaryColor)) errors.Add("PrimaryColor", "La couleur principale s'écrit #RRVVBB (par exemple #000091).");
        else if (BrandColor.ContrastWithWhite(brand.PrimaryColor) < BrandColor.MinimumContrast)
            errors.Add("PrimaryColor", $"La couleur {brand.PrimaryColor} est trop claire : le texte blanc posé dessus doit avoir un contraste d'au moins 4,5:1 (RGAA). Contraste actuel : {BrandColor.ContrastWithWhite(brand.PrimaryColor):0.0}:1.");
        if (brand.FooterLinks.Count > 12) errors.Add("FooterLinks", "12 liens de pied de page au plus.");
        for (var i = 0; i < brand.FooterLinks.Count; i++)
        {
            var link = brand.FooterLinks[i];
            if (string.IsNullOrWhiteSpace(link.Text) || link.Text.Length > 80) errors.Add("FooterLinks", $"Lien {i + 1} : le texte est obligatoire (80 caractères au plus).");
            if (!IsSafeUrl(link.Url)) errors.Add("FooterLinks", $"Lien {i + 1} : l'adresse doit commencer par https://, http:// ou /.");
        }
        if (brand.LegalNotice?.Length > 20_000) errors.Add("LegalNotice", "Les mentions légales font 20 000 caractères au plus.");
        if (brand.AccessibilityStatement?.Length > 20_000) errors.Add("AccessibilityStatement", "La déclaration d'accessibilité fait 20 000 caractères au plus.");
        errors.ThrowIfAny();
        var tenant = await GetAsync(id, ct);
        tenant.Brand = brand with { LogoUrl = tenant.Brand.LogoUrl };
        await SaveAsync(ct, tenant);
    }

    public async Task SetOidcAsync(string id, TenantOidcSettings? oidc, CancellationToken ct = default)
    {
        if (oidc is not null)
        {
            var errors = new ValidationErrors();
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != "https" && !authority.IsLoopback))
                errors.Add("Authority", "L'émetteur OpenID Connect doit être une adresse https:// (http:// seulement en local).");
            if (string.IsNullOrWhiteSpace(oidc.ClientId)) errors.Add("ClientId", "L'identifiant client est obligatoire.");
            if (string.IsNullOrWhiteSpace(oidc.DisplayName)) errors.Add("DisplayName", "Le libellé du bouton de connexion est obligatoire.");
            errors.ThrowIfAny();
        }
        var tenant = await GetAsync(id, ct);
        tenant.Oidc = oidc;
        await SaveAsync(ct, tenant);
    }

    /// <summary>Stores a logo after checking its real type (PNG, JPEG, WebP; SVG only from trusted recipes) and size.</summary>
    public async Task SetLogoAsync(string id, byte[] content, bool allowSvg, CancellationToken ct = default)
    {
        if (content.Length == 0 || content.Length > MaxLogoBytes)
            throw new ValidationFailedException("Logo", "Le logo doit peser moins de 512 Ko.");
        var extension = ImageFiles.Sniff(content, allowSvg)
            ?? throw new ValidationFailedException("Logo", allowSvg ? "Le logo doit être une image PNG, JPEG, WebP ou SVG." : "Le logo doit être une image PNG, JPEG ou WebP.");
        var tenant = await GetAsync(id, ct);
        var folder = paths.Folder("tenants", tenant.Id);
        foreach (var old in Directory.EnumerateFiles(folder, "logo.*")) File.Delete(old);
        await File.WriteAllBytesAsync(Path.Combine(folder, "logo." + extension), content, ct);
        var version = Convert.ToHexStringLower(SHA256.HashData(content))[..12];
        tenant.Brand = tenant.Brand with { LogoUrl = $"/marque/logo?v={version}" };
        await SaveAsync(ct, tenant);
    }

    private async Task SaveAsync(CancellationToken ct, Tenant? touched = null)
    {
        if (touched is not null) touched.UpdatedUtc = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        directory.Invalidate();
    }

    private static List<string> NormalizeHosts(IReadOnlyList<string>? hosts, ValidationErrors errors)
    {
        var result = new List<string>();
        foreach (var raw in hosts ?? [])
        {
            var host = raw.Trim().ToLowerInvariant();
            if (host.Length == 0) continue;
            if (!HostPattern().IsMatch(host)) { errors.Add("Hosts", $"« {raw} » n'est pas un nom d'hôte valide (sans port ni chemin)."); continue; }
            if (!result.Contains(host)) result.Add(host);
        }
        return result;
    }

    public static bool IsSafeUrl(string? url) =>
        !string.IsNullOrWhiteSpace(url) &&
        ((url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)) ||
         (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)));
}

