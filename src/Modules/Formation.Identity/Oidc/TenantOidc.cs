using System.Collections.Concurrent;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Formation.Identity.Oidc;

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
        var tenant = http.HttpContext?.RequestServices.GetService<TenantContext>()?.Tenant;
        var settings = tenant?.Oidc;
        var key = $"{tenant?.Id}|{settings}";
        return _cache.GetOrAdd(key, _ => Build(name ?? Scheme, tenant, settings));
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
            Authority = settings?.Authority ?? "https://invalid.localhost",
            ClientId = settings?.ClientId ?? "unconfigured",
            ClientSecret = tenant is null ? null : configuration[$"Oidc:{tenant.Id}:ClientSecret"],
        };
        if (settings is not null)
        {
            options.RequireHttpsMetadata = new Uri(settings.Authority).Scheme == Uri.UriSchemeHttps || !new Uri(settings.Authority).IsLoopback;
            options.Scope.Clear();
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) options.Scope.Add(scope);
        }
        options.TokenValidationParameters.NameClaimType = "name";
        // Lets the shell's correlation/nonce cookies stay on this portal's path.
        foreach (var post in postConfigures) post.PostConfigure(name, options);
        return options;
    }
}
