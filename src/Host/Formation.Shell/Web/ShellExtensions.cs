using System.Reflection;
using System.Text.Json;
using Formation.Shell.Data;
using Formation.Shell.Email;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Themes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Formation.Shell.Web;

public static class ShellExtensions
{
    /// <summary>Registers the shell and every module found beside the host, in dependency order.</summary>
    public static ModuleCatalog AddFormationShell(this IServiceCollection services, IConfiguration configuration, ModuleCatalog catalog)
    {
        services.AddSingleton(catalog);
        services.AddSingleton<FeatureService>();
        services.AddSingleton<AppPaths>();
        services.AddSingleton<DatabaseSettings>();
        services.AddSingleton<ConnectionFactory>();
        services.AddScoped<ShellDatabase>();
        services.AddScoped<TenantContext>();
        services.AddSingleton<MigrationRunner>();
        services.AddModuleDbContext<Formation.Shell.Events.ShellDbContext>();
        services.AddScoped<Formation.Shell.Events.DomainEvents>();
        services.AddSingleton<Formation.Shell.Events.OutboxSignal>();
        services.AddSingleton<Formation.Shell.Events.OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Formation.Shell.Events.OutboxDispatcher>());
        services.AddSingleton<RecipeRunner>();
        services.AddSingleton<NavigationService>();
        services.AddSingleton<ZoneService>();
        services.AddScoped<ThemeService>();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();

        if (!string.IsNullOrWhiteSpace(configuration["Smtp:Host"])) services.AddSingleton<IEmailSender, SmtpEmailSender>();
        else services.AddSingleton<IEmailSender, PickupFolderEmailSender>();

        services.AddDataProtection().SetApplicationName("Formation");
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>, KeyManagementOptionsSetup>();

        // French text stays readable in pages and mails instead of numeric entities.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddProblemDetails();
        services.AddAuthorization();
        services.AddFormationPolicies();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddOutputCache(options => options.AddPolicy(AnonymousPageCache.PolicyName, new AnonymousPageCache()));
        var mvc = services.AddRazorPages(options => options.Conventions.Add(new PageFeatureConvention(catalog)));
        mvc.ConfigureApplicationPartManager(manager =>
        {
            foreach (var module in catalog.Modules)
            {
                var assembly = module.GetType().Assembly;
                if (manager.ApplicationParts.Any(p => p is AssemblyPart a && a.Assembly == assembly)) continue;
                foreach (var part in new DefaultApplicationPartFactory().GetApplicationParts(assembly)) manager.ApplicationParts.Add(part);
                foreach (var related in RelatedAssemblyAttribute.GetRelatedAssemblies(assembly, throwOnError: false))
                    foreach (var part in CompiledRazorAssemblyApplicationPartFactory.GetDefaultApplicationParts(related))
                        if (!manager.ApplicationParts.Any(p => p.Name == part.Name && p.GetType() == part.GetType())) manager.ApplicationParts.Add(part);
            }
        });

        foreach (var module in catalog.Modules) module.ConfigureServices(services, configuration);
        return catalog;
    }

    /// <summary>The request pipeline: health, portal resolution, errors, static files, routing, security, feature gate.</summary>
    public static void UseFormationShell(this WebApplication app)
    {
        // Behind a reverse proxy that ends TLS, trust its X-Forwarded-* headers (only from the listed proxies),
        // so that portals resolve by the public host and OIDC redirect URLs use https.
        var proxies = app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        if (proxies.Length > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.All };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in proxies) forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            app.UseForwardedHeaders(forwarded);
        }
        app.Use((context, next) =>
        {
            // Baseline browser protections for every response, pages and APIs alike.
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "SAMEORIGIN";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return next(context);
        });
        app.UseHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.UseMiddleware<TenantMiddleware>();

        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ctx => WriteProblemAsync(ctx, StatusCodes.Status500InternalServerError) });
            api.UseStatusCodePages(ctx => WriteProblemAsync(ctx.HttpContext, ctx.HttpContext.Response.StatusCode));
        });
        app.UseWhen(ctx => !IsApi(ctx), web =>
        {
            web.UseExceptionHandler("/erreur/500");
            web.UseStatusCodePagesWithReExecute("/erreur/{0}");
        });

        app.UseDsfrAssets();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<FeatureGateMiddleware>();
        // After the feature gate and authentication: a cached page is served only where the page itself would be.
        app.UseOutputCache();
        app.UseAntiforgery();
    }

    public static void MapFormationShell(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<ModuleCatalog>();
        app.MapRazorPages();
        foreach (var module in catalog.Modules)
        {
            var group = app.MapGroup("").WithMetadata(new FeatureMetadata(module.Manifest.EffectiveFeatures[0].Id));
            module.MapEndpoints(group);
        }
    }

    /// <summary>Machine endpoints: JSON problem details instead of the French error pages (the xAPI LRS is one).</summary>
    public static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments("/xapi", StringComparison.OrdinalIgnoreCase);

    private static async Task WriteProblemAsync(HttpContext context, int status)
    {
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        await service.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = status switch
                {
                    404 => "Ressource introuvable",
                    401 => "Authentification requise",
                    403 => "Accès refusé",
                    405 => "Méthode non autorisée",
                    >= 500 => "Erreur interne",
                    _ => "Requête invalide",
                },
                Type = $"https://httpstatuses.io/{status}",
                Instance = context.Request.Path,
            },
        });
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

/// <summary>Data Protection keys live under the data path, so cookies survive restarts.</summary>
internal sealed class KeyManagementOptionsSetup(AppPaths paths) : Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>
{
    public void Configure(Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions options) =>
        options.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
            new DirectoryInfo(paths.Folder("keys")), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
}

public sealed class DatabaseHealthCheck(ConnectionFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = factory.Create();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(factory.Settings.Provider.ToString());
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Base de données injoignable", ex);
        }
    }
}
