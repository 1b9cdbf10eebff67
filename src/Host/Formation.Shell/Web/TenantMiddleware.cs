using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Formation.Shell.Web;

/// <summary>Resolves the portal of each request; an unknown host gets a plain 404, never another portal's site.</summary>
public sealed class TenantMiddleware(RequestDelegate next, ITenantDirectory directory, ILogger<TenantMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, TenantContext tenantContext)
    {
        var tenants = await directory.GetAllAsync(context.RequestAborted);
        var match = TenantResolver.Resolve(tenants, context.Request.Host.Host, context.Request.Path);
        if (match is null)
        {
            await PlainPageAsync(context, StatusCodes.Status404NotFound, "Portail introuvable",
                "Aucun portail Formation ne répond à cette adresse. Vérifiez l'adresse saisie.");
            return;
        }

        if (match.PathBase is { } pathBase)
        {
            context.Request.PathBase = context.Request.PathBase.Add(pathBase);
            context.Request.Path = context.Request.Path.StartsWithSegments(pathBase, StringComparison.OrdinalIgnoreCase, out var rest) ? rest : context.Request.Path;
        }

        var tenant = match.Tenant;
        if (tenant.Status == TenantStatus.Suspended)
        {
            await PlainPageAsync(context, StatusCodes.Status503ServiceUnavailable, "Portail suspendu",
                $"Le portail « {tenant.Name} » est temporairement suspendu par l'équipe de la plateforme.");
            return;
        }

        tenantContext.Set(tenant);
        using (logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = tenant.Id }))
            await next(context);
    }

    public static Task PlainPageAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{System.Net.WebUtility.HtmlEncode(title)}</title></head>
            <body style="font-family:sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem"><main><h1>{System.Net.WebUtility.HtmlEncode(title)}</h1>
            <p>{System.Net.WebUtility.HtmlEncode(message)}</p></main></body></html>
            """;
        return context.Response.WriteAsync(html);
    }
}

/// <summary>After routing: an endpoint whose feature is off for the portal does not exist there (404).</summary>
public sealed class FeatureGateMiddleware(RequestDelegate next, FeatureService features)
{
    public Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        var feature = context.GetEndpoint()?.Metadata.GetMetadata<FeatureMetadata>();
        if (feature is not null && (tenant.Tenant is null || !features.IsEnabled(tenant.Tenant, feature.FeatureId)))
        {
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
