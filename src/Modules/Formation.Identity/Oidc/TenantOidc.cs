using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Formation.Identity.Oidc;

public static class TenantOidc
{
    /// <summary>Single sign-on is offered on a portal when it has enabled provider settings and the feature is on.</summary>
    public static bool IsActive(TenantInfo? tenant, FeatureService features) =>
        tenant?.Oidc is { Enabled: true } && features.IsEnabled(tenant, IdentityModule.OidcFeature);

    /// <summary>Where a failed or cancelled sign-in at the provider lands: a French message, never an error page.</summary>
    public const string ErrorPath = "/connexion-externe/erreur";
}

/// <summary>
/// Per-portal OpenID Connect options. ASP.NET caches handler options by scheme name only; this monitor
/// keys them by portal too, so each portal talks to its own provider (authorization code + PKCE).
/// The client secret comes from configuration: <c>Oidc:{tenantId}:ClientSecret</c>.
/// </summary>
public sealed class TenantOidcOptionsMonitor(
    IHttpContextAccessor http,
    IConfiguration configuration,
    IEnumerable<IPostConfigureOptions<OpenIdConnectOptions>> postConfigures) : IOptionsMonitor<OpenIdConnectOptions>
{
    public const string Scheme = "oidc";
    private readonly ConcurrentDictionary<string, OpenIdConnectOptions> _cache = new();

    public OpenIdConnectOptions CurrentValue => Get(Options.DefaultName);

    public OpenIdConnectOptions Get(string? name)
    {
        name ??= Options.DefaultName;
        var tenant = http.HttpContext?.RequestServices.GetService<TenantContext>()?.Tenant;
        var settings = tenant?.Oidc;
        // The name is part of the key: post-configuration derives the state's data protector from it.
        var key = $"{name}|{tenant?.Id}|{settings}";
        return _cache.GetOrAdd(key, _ => Build(name, tenant, settings));
    }

    public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;

    private OpenIdConnectOptions Build(string name, TenantInfo? tenant, TenantOidcSettings? settings)
    {
        var options = new OpenIdConnectOptions
        {
            SignInScheme = IdentityConstants.ExternalScheme,
            ResponseType = OpenIdConnectResponseType.Code,
            UsePkce = true,
            SaveTokens = false,
            GetClaimsFromUserInfoEndpoint = true,
            MapInboundClaims = false,
            CallbackPath = "/signin-oidc",
            SignedOutCallbackPath = "/signout-callback-oidc",
            // ProConnect refuses any authorize parameter it does not know (error Y000400), such as x-client-SKU and x-client-ver.
            DisableTelemetry = true,
            Authority = settings?.Authority ?? "https://invalid.localhost",
            ClientId = settings?.ClientId ?? "unconfigured",
            ClientSecret = tenant is null ? null : configuration[$"Oidc:{tenant.Id}:ClientSecret"],
            Events = new OpenIdConnectEvents
            {
                OnAccessDenied = context => ShowError(context, context.Properties, "annulee", null),
                OnRemoteFailure = context => ShowError(context, context.Properties, "echec", context.Failure),
            },
        };
        if (settings is not null)
        {
            options.RequireHttpsMetadata = new Uri(settings.Authority).Scheme == Uri.UriSchemeHttps || !new Uri(settings.Authority).IsLoopback;
            options.Scope.Clear();
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) options.Scope.Add(scope);
        }
        // ProConnect sends the surname as usual_name, in the userinfo answer only.
        options.ClaimActions.MapUniqueJsonKey("usual_name", "usual_name");
        options.TokenValidationParameters.NameClaimType = "name";
        // Data protection of the state, configuration manager and backchannel (OpenIdConnectPostConfigureOptions).
        foreach (var post in postConfigures) post.PostConfigure(name, options);
        return options;
    }

    /// <summary>A refused, tampered, replayed or failed answer from the provider: log it, show the person a French message.</summary>
    private static Task ShowError<TOptions>(HandleRequestContext<TOptions> context, AuthenticationProperties? properties, string reason, Exception? failure)
        where TOptions : AuthenticationSchemeOptions
    {
        var tenant = context.HttpContext.RequestServices.GetService<TenantContext>()?.TenantId;
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Formation.Identity.Oidc");
        if (failure is null) logger.LogInformation("Single sign-on cancelled at the provider on portal {TenantId}", tenant);
        else logger.LogWarning(failure, "Single sign-on failed on portal {TenantId}: {Message}", tenant, failure.Message);
        context.Response.Redirect($"{context.Request.PathBase}{TenantOidc.ErrorPath}?raison={reason}");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The OpenID Connect handler, inert on portals where single sign-on is not active: there, its callback paths
/// (/signin-oidc, /signout-oidc, /signout-callback-oidc) do not exist (404) like the rest of the feature.
/// </summary>
public sealed class TenantOidcHandler(IOptionsMonitor<OpenIdConnectOptions> options, ILoggerFactory logger, HtmlEncoder htmlEncoder, UrlEncoder encoder, FeatureService features)
    : OpenIdConnectHandler(options, logger, htmlEncoder, encoder)
{
    public override Task<bool> HandleRequestAsync() =>
        TenantOidc.IsActive(Context.RequestServices.GetService<TenantContext>()?.Tenant, features) ? base.HandleRequestAsync() : Task.FromResult(false);
}
