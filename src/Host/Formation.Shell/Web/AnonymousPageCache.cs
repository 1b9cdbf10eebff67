using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;

namespace Formation.Shell.Web;

/// <summary>
/// Output cache of pages that anonymous visitors read most (the catalogue home, search results): the rendered page is
/// kept 10 s per portal and URL (query included) and served without running the page again. Never for a signed-in
/// person (menus and buttons are theirs), never a response that sets a cookie or is not a 200. Modules evict
/// <see cref="AllPagesTag"/> or <see cref="PortalTag"/> when what such a page shows changes (a publication, a curation);
/// the short lifetime bounds what another web node may still serve.
/// </summary>
public sealed class AnonymousPageCache : IOutputCachePolicy
{
    public const string PolicyName = "anonymous-page";
    public const string AllPagesTag = "pages";
    public static string PortalTag(string tenantId) => "pages:" + tenantId;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>This response is not kept (e.g. a search that found nothing is counted on every request).</summary>
    public static void DoNotStore(HttpContext http)
    {
        if (http.Features.Get<IOutputCacheFeature>() is { } feature) feature.Context.AllowCacheStorage = false;
    }

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var anonymous = http.User.Identity?.IsAuthenticated != true && !http.Request.Headers.ContainsKey("Authorization");
        var readOnly = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        var tenant = http.RequestServices.GetService(typeof(Tenancy.TenantContext)) as Tenancy.TenantContext;
        var cacheable = anonymous && readOnly && tenant?.TenantId is not null;
        context.EnableOutputCaching = cacheable;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        if (!cacheable) return ValueTask.CompletedTask;
        context.ResponseExpirationTimeSpan = Lifetime;
        context.CacheVaryByRules.QueryKeys = "*";
        context.Tags.Add(AllPagesTag);
        context.Tags.Add(PortalTag(tenant!.TenantId!));
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || !StringValues.IsNullOrEmpty(response.Headers.SetCookie))
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
