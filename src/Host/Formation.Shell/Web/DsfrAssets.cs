using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Formation.Shell.Web;

/// <summary>
/// Serves the State design system at <c>/dsfr</c> from the npm package restored by the build
/// (<c>node_modules/@gouvfr/dsfr/dist</c>, found above the content root or the binaries), or from <c>vendor/dsfr</c> when published.
/// </summary>
public static class DsfrAssets
{
    public static string? Locate(IHostEnvironment environment)
    {
        foreach (var start in new[] { environment.ContentRootPath, AppContext.BaseDirectory })
        {
            var published = Path.Combine(start, "vendor", "dsfr");
            if (File.Exists(Path.Combine(published, "dsfr.min.css"))) return published;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var dist = Path.Combine(dir.FullName, "node_modules", "@gouvfr", "dsfr", "dist");
                if (File.Exists(Path.Combine(dist, "dsfr.min.css"))) return dist;
            }
        }
        return null;
    }

    public static void UseDsfrAssets(this WebApplication app)
    {
        var root = Locate(app.Environment)
            ?? throw new InvalidOperationException("Le système de design de l'État (@gouvfr/dsfr) est introuvable : lancez « npm ci --ignore-scripts » à la racine du dépôt.");
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/dsfr",
            FileProvider = new PhysicalFileProvider(root),
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=604800",
        });
    }
}
