using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Formation.Lrs.Xapi;

/// <summary>
/// Learning content calls the LRS from another origin: external cmi5 AUs from their own host, and the portal's packages
/// from the opaque origin of their sandbox. The LRS authenticates with the
/// Authorization header only (no cookies), so any origin may call it: this answers CORS preflights on <c>/xapi</c>
/// (on a portal's host or under its URL prefix) and lets responses be read. No credentials are ever allowed.
/// </summary>
public sealed partial class XapiCorsStartupFilter : IStartupFilter
{
    [GeneratedRegex("^(/[^/]+)?/xapi(/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex XapiPath();

    private const string Methods = "GET, PUT, POST, DELETE, HEAD";
    private const string RequestHeaders = "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match";
    private const string ExposedHeaders = "ETag, Last-Modified, Content-Type, X-Experience-API-Version, X-Experience-API-Consistent-Through";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Headers.Origin.Count > 0 && XapiPath().IsMatch(context.Request.Path.Value ?? ""))
            {
                var headers = context.Response.Headers;
                if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
                {
                    headers.AccessControlAllowOrigin = "*";
                    headers.AccessControlAllowMethods = Methods;
                    headers.AccessControlAllowHeaders = RequestHeaders;
                    headers.AccessControlMaxAge = "600";
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    return;
                }
                context.Response.OnStarting(() =>
                {
                    headers.AccessControlAllowOrigin = "*";
                    headers.AccessControlExposeHeaders = ExposedHeaders;
                    return Task.CompletedTask;
                });
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
