using System.ComponentModel.DataAnnotations;
using Formation.Shell.Recipes;
using Formation.Shell.Tenancy;
using Formation.Shell.Themes;

namespace Formation.Tenants.Recipes;

public sealed class TenantsStepModel
{
    [Required, MinLength(1)] public required List<TenantModel> Tenants { get; init; }

    public sealed class TenantModel
    {
        [Required] public required string Id { get; init; }
        [Required] public required string Name { get; init; }
        public List<string> Hosts { get; init; } = [];
        public string? UrlPrefix { get; init; }
        public string Theme { get; init; } = ThemeService.DefaultThemeId;
        public TenantStatus Status { get; init; } = TenantStatus.Active;
    }
}

/// <summary><c>{"name":"tenants","tenants":[{"id","name","hosts","urlPrefix","theme"}]}</c>: creates portals.</summary>
public sealed class TenantsStep(TenantAdministration admin) : RecipeStep<TenantsStepModel>
{
    public override string Name => "tenants";

    protected override async Task ExecuteAsync(TenantsStepModel model, RecipeContext context, CancellationToken ct)
    {
        for (var i = 0; i < model.Tenants.Count; i++)
        {
            var t = model.Tenants[i];
            try
            {
                var tenant = await admin.CreateAsync(new CreateTenant(t.Id, t.Name, t.Hosts, t.UrlPrefix, t.Theme), ct);
                if (t.Status != TenantStatus.Active) await admin.SetStatusAsync(tenant.Id, t.Status, ct);
                context.Tenants[tenant.Id] = tenant.ToInfo();
            }
            catch (Formation.Shell.Validation.ValidationFailedException ex)
            {
                throw new RecipeFieldException($"tenants[{i}].{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message);
            }
        }
    }
}

public sealed class ThemesStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required] public required string Theme { get; init; }
}

/// <summary><c>{"name":"themes","tenant":"departement","theme":"horizon"}</c>.</summary>
public sealed class ThemesStep(TenantAdministration admin) : RecipeStep<ThemesStepModel>
{
    public override string Name => "themes";

    protected override Task ExecuteAsync(ThemesStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        return admin.SetThemeAsync(model.Tenant, model.Theme, ct);
    }
}

public sealed class FeaturesStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required] public required List<string> Enable { get; init; }
}

/// <summary><c>{"name":"features","tenant":"departement","enable":["Formation.Identity.Oidc"]}</c>.</summary>
public sealed class FeaturesStep(TenantAdministration admin) : RecipeStep<FeaturesStepModel>
{
    public override string Name => "features";

    protected override Task ExecuteAsync(FeaturesStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        return admin.SetFeaturesAsync(model.Tenant, model.Enable, ct);
    }
}

public sealed class SettingsStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required] public required BrandModel Brand { get; init; }
    public OidcModel? Oidc { get; init; }

    public sealed class BrandModel
    {
        [Required, StringLength(80)] public required string SiteTitle { get; init; }
        public string? Tagline { get; init; }
        public string? OperatorName { get; init; }
        [Required, RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "La couleur s'écrit #RRVVBB.")] public required string PrimaryColor { get; init; }
        /// <summary>Path of the logo file, relative to the recipe.</summary>
        public string? Logo { get; init; }
        public List<FooterLinkModel> FooterLinks { get; init; } = [];
        public string? LegalNotice { get; init; }
        public string? AccessibilityStatement { get; init; }
    }

    public sealed class FooterLinkModel
    {
        [Required] public required string Text { get; init; }
        [Required] public required string Url { get; init; }
    }

    public sealed class OidcModel
    {
        public bool Enabled { get; init; } = true;
        [Required, Url] public required string Authority { get; init; }
        [Required] public required string ClientId { get; init; }
        [Required] public required string DisplayName { get; init; }
        public string Scopes { get; init; } = "openid email profile";
    }
}

/// <summary><c>{"name":"settings","tenant":"...","brand":{...},"oidc":{...}}</c>: brand, logo and single sign-on of a portal.</summary>
public sealed class SettingsStep(TenantAdministration admin) : RecipeStep<SettingsStepModel>
{
    public override string Name => "settings";

    protected override async Task ExecuteAsync(SettingsStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        var b = model.Brand;
        try
        {
            await admin.UpdateBrandAsync(model.Tenant, new TenantBrand
            {
                SiteTitle = b.SiteTitle,
                Tagline = b.Tagline,
                OperatorName = b.OperatorName,
                PrimaryColor = b.PrimaryColor,
                FooterLinks = b.FooterLinks.Select(l => new FooterLink(l.Text, l.Url)).ToList(),
                LegalNotice = b.LegalNotice,
                AccessibilityStatement = b.AccessibilityStatement,
            }, ct);
        }
        catch (Formation.Shell.Validation.ValidationFailedException ex)
        {
            throw new RecipeFieldException("brand." + System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField), ex.Message);
        }
        if (b.Logo is not null)
        {
            var file = context.ResolvePath(b.Logo, "brand.logo");
            await admin.SetLogoAsync(model.Tenant, await File.ReadAllBytesAsync(file, ct), allowSvg: true, ct);
        }
        if (model.Oidc is { } o)
            await admin.SetOidcAsync(model.Tenant, new TenantOidcSettings(o.Enabled, o.Authority, o.ClientId, o.DisplayName, o.Scopes), ct);
    }
}
