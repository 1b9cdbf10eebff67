using Formation.Learning.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Formation.Learning.Packages;

/// <summary>
/// Serves package files at <c>/contenus/{packageId}/{path}</c>. Isolation: every response carries a CSP <c>sandbox</c>
/// without <c>allow-same-origin</c>, so the content runs in an opaque origin — it cannot read the portal's cookies,
/// storage or pages, and its requests to the portal are cross-origin (no credentials). It talks to the LRS only with the
/// session token it fetched. No cookie is needed: the package id (random) is the address.
/// </summary>
public static class ContentEndpoint
{
    public const string Policy =
        "sandbox allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads; " +
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; " +
        "frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private static readonly FileExtensionContentTypeProvider Types = new();

    public static async Task<IResult> ServeAsync(Guid packageId, string? path, HttpContext http, LearningDbContext db, ContentPackages packages, IMemoryCache cache)
    {
        var package = await cache.GetOrCreateAsync(("learning-package", packageId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
            return await db.Packages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == packageId, http.RequestAborted);
        });
        if (package is null || package.Kind == PackageKind.Cmi5Xml || string.IsNullOrEmpty(path)) return Results.NotFound();
        var relative = ContentPackages.RelativePath(path);
        if (relative is null || relative.EndsWith('/')) return Results.NotFound();
        var root = Path.GetFullPath(packages.DirectoryOf(package)) + Path.DirectorySeparatorChar;
        var file = Path.GetFullPath(Path.Combine(root, relative));
        if (!file.StartsWith(root, StringComparison.Ordinal) || !File.Exists(file)) return Results.NotFound();
        // The structure file is the LMS's business, not the learner's.
        if (relative is "cmi5.xml" or "tincan.xml") return Results.NotFound();

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "public, max-age=300";
        if (!Types.TryGetContentType(file, out var type)) type = "application/octet-stream";
        return Results.File(file, type, enableRangeProcessing: true);
    }
}
