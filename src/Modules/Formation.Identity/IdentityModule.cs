using System.Security.Claims;
using Formation.Identity.Data;
using Formation.Identity.Oidc;
using Formation.Identity.Organisations;
using Formation.Identity.Recipes;
using Formation.Shell.Data;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Formation.Identity;

public sealed class IdentityModule : FormationModule
{
    public const string RegistrationFeature = "Formation.Identity.Registration";
    public const string OidcFeature = "Formation.Identity.Oidc";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Identity",
        Name = "Comptes et organisations",
        Description = "Comptes (e-mail et mot de passe), rôles, employeurs et organismes de formation, invitations, authentification unique.",
        Category = "Socle",
        Dependencies = ["Formation.Tenants"],
        IsCore = true,
        Features =
        [
            new("Formation.Identity", "Comptes", "Connexion, mot de passe oublié, profil, organisations, invitations.", AlwaysEnabled: true),
            new(RegistrationFeature, "Inscription libre", "Toute personne peut créer un compte apprenant sur le portail."),
            new(OidcFeature, "Authentification unique (OpenID Connect)", "Connexion par un fournisseur d'identité (ProConnect ou autre) configuré pour le portail."),
        ],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<IdentityDataContext>();
        services.AddIdentity<FormationUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<IdentityDataContext>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<FrenchIdentityErrors>()
            .AddClaimsPrincipalFactory<FormationClaimsFactory>();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/connexion";
            options.LogoutPath = "/deconnexion";
            options.AccessDeniedPath = "/acces-refuse";
            options.Cookie.Name = "formation.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.CookieManager = new TenantCookieManager();
            options.Events.OnValidatePrincipal = RejectOtherTenants;
            options.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, o => o.CookieManager = new TenantCookieManager());
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.CookieManager = new TenantCookieManager());

        // AddOpenIdConnect with a handler that stays inert on portals without single sign-on.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddAuthentication().AddRemoteScheme<OpenIdConnectOptions, TenantOidcHandler>(TenantOidcOptionsMonitor.Scheme, "Authentification unique", _ => { });
        services.AddSingleton<IOptionsMonitor<OpenIdConnectOptions>, TenantOidcOptionsMonitor>();

        services.AddScoped<Accounts>();
        services.AddScoped<Invitations>();
        services.AddScoped<OrganisationDirectory>();
        services.AddScoped<IRecipeStep, RolesStep>();
        services.AddScoped<IRecipeStep, OrganisationsStep>();
        services.AddScoped<IRecipeStep, UsersStep>();
        services.AddSingleton<INavigationProvider, IdentityNavigation>();
    }

    public override void MapEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/moi", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<MeDto>, Microsoft.AspNetCore.Http.HttpResults.UnauthorizedHttpResult>> (
                ClaimsPrincipal principal, UserManager<FormationUser> users, OrganisationDirectory organisations, CancellationToken ct) =>
            {
                var user = await users.GetUserAsync(principal);
                if (user is null) return TypedResults.Unauthorized();
                var organisation = user.OrganisationId is { } id ? await organisations.FindAsync(id, ct) : null;
                return TypedResults.Ok(new MeDto(user.Email!, user.DisplayName, user.Profession, (await users.GetRolesAsync(user)).Order().ToList(), organisation?.Name));
            })
            .RequireAuthorization()
            .WithName("GetMe").WithTags("Comptes")
            .WithSummary("Le compte connecté sur ce portail : adresse, nom, métier, rôles, organisation.");
    }

    /// <summary>A cookie issued on one portal is worthless on another, even under the same host.</summary>
    private static async Task RejectOtherTenants(CookieValidatePrincipalContext context)
    {
        var tenant = context.HttpContext.RequestServices.GetRequiredService<TenantContext>().TenantId;
        if (context.Principal?.FindFirstValue(FormationClaimsFactory.TenantClaim) != tenant)
        {
            context.RejectPrincipal();
            return;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

public sealed record MeDto(string Email, string DisplayName, string? Profession, IReadOnlyList<string> Roles, string? Organisation);

/// <summary>Suffixes auth cookie names with the portal id: portals reached by URL prefix share a host, not a session.</summary>
internal sealed class TenantCookieManager : ICookieManager
{
    private readonly ChunkingCookieManager _inner = new();

    private static string Name(HttpContext context, string key) =>
        key + "." + (context.RequestServices.GetService<TenantContext>()?.TenantId ?? "none");

    public string? GetRequestCookie(HttpContext context, string key) => _inner.GetRequestCookie(context, Name(context, key));
    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) => _inner.AppendResponseCookie(context, Name(context, key), value, options);
    public void DeleteCookie(HttpContext context, string key, CookieOptions options) => _inner.DeleteCookie(context, Name(context, key), options);
}

internal sealed class IdentityNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Se connecter", "/connexion", Menus.Account, Order: 10, AnonymousOnly: true),
        new("Créer un compte", "/inscription", Menus.Account, Order: 20, FeatureId: IdentityModule.RegistrationFeature, AnonymousOnly: true),
        new("Mon compte", "/compte", Menus.Account, Order: 10, AuthenticatedOnly: true),
        new("Organisations", "/admin/organisations", Menus.Admin, Order: 20, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
        new("Comptes et invitations", "/admin/comptes", Menus.Admin, Order: 30, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
    ];
}
