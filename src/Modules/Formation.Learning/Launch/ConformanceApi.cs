using System.Security.Cryptography;
using System.Text;
using Formation.Identity.Data;
using Formation.Learning.Data;
using Formation.Learning.Packages;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Formation.Learning.Launch;

/// <summary>
/// A machine API for the cmi5 LMS conformance suite (CATAPULT), off unless <c>Learning:Conformance:Secret</c> is set;
/// callers send that secret in <c>X-Conformance-Secret</c>. It imports packages on a module of the portal
/// (<c>Learning:Conformance:Module</c>, a slug), and launches, waives and abandons for learners it creates, one per
/// registration (the suite names registrations; Formation ties each to an enrolment).
/// </summary>
internal static class ConformanceApi
{
    public sealed record LaunchRequest(Guid CourseId, int AuIndex, string? ActorName, Guid? Registration, string? LaunchMode);
    public sealed record WaiveRequest(Guid Registration, int AuIndex, string Reason);
    public sealed record AbandonRequest(string SessionId);

    public static void Map(IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        var secret = configuration["Learning:Conformance:Secret"];
        if (string.IsNullOrEmpty(secret)) return;
        var slug = configuration["Learning:Conformance:Module"] ?? "fondamentaux-protection-enfance";
        var group = endpoints.MapGroup("/api/learning/conformance").ExcludeFromDescription().DisableAntiforgery()
            .AddEndpointFilter(async (context, next) =>
            {
                var given = context.HttpContext.Request.Headers["X-Conformance-Secret"].ToString();
                return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret))
                    ? await next(context) : Results.Problem(statusCode: 401, title: "Secret de conformité manquant ou faux.");
            });

        group.MapPost("/courses", async (HttpContext http, ContentPackages packages, Formation.Catalog.Contracts.ICatalogAuthoringReader catalog, string? filename, CancellationToken ct) =>
        {
            var module = await catalog.GetOwnBySlugAsync(slug, ct);
            if (module is null) return Results.Problem(statusCode: 404, title: $"Module « {slug} » absent de ce portail.");
            var version = module.Versions.FirstOrDefault(v => v.Id == module.PublishedVersionId) ?? module.Versions[0];
            try
            {
                var imported = await packages.ImportAsync(module.Id, version.Id, filename ?? "paquet", http.Request.Body, null, null, ct);
                return Results.Ok(new { courseId = imported.Id });
            }
            catch (PackageRejectedException ex) { return Results.Problem(statusCode: 400, title: "Paquet refusé", detail: ex.Message); }
        });

        group.MapPost("/launch", async (LaunchRequest request, HttpContext http, LearningDbContext db, ContentPackages packages, Cmi5Launcher launcher,
            UserManager<FormationUser> users, TimeProvider time, CancellationToken ct) =>
        {
            var package = await packages.FindAsync(request.CourseId, ct);
            if (package is null) return Results.Problem(statusCode: 404, title: "Cours inconnu.");
            var aus = CourseStructure.FromJson(package.StructureJson).Aus().ToList();
            if (request.AuIndex < 0 || request.AuIndex >= aus.Count) return Results.Problem(statusCode: 400, title: "Index d'AU hors du cours.");
            var registration = request.Registration ?? Guid.NewGuid();
            var enrolment = await db.Enrolments.FirstOrDefaultAsync(e => e.Registration == registration, ct);
            if (enrolment is null)
            {
                var user = new FormationUser { UserName = $"cmi5-{registration:N}@conformance.test", Email = $"cmi5-{registration:N}@conformance.test", DisplayName = request.ActorName ?? "cmi5", CreatedUtc = time.GetUtcNow() };
                var created = await users.CreateAsync(user);
                if (!created.Succeeded) return Results.Problem(statusCode: 500, title: string.Join(" ", created.Errors.Select(e => e.Description)));
                enrolment = new Enrolment { UserId = user.Id, ModuleId = package.ModuleId, Registration = registration, PackageId = package.Id, Source = "conformance", EnrolledUtc = time.GetUtcNow() };
                db.Enrolments.Add(enrolment);
                await db.SaveChangesAsync(ct);
            }
            var urls = LearningUrls.For(http);
            try
            {
                var url = await launcher.LaunchAsync(enrolment.Id, enrolment.UserId, aus[request.AuIndex].Id, request.LaunchMode ?? LaunchModes.Normal, urls, urls.BaseUrl + "/mes-formations/" + enrolment.Id, ct);
                return Results.Ok(new { url, registration });
            }
            catch (ValidationFailedException ex) { return Results.Problem(statusCode: 400, title: ex.Message); }
        });

        group.MapPost("/waive", async (WaiveRequest request, HttpContext http, LearningDbContext db, ContentPackages packages, Cmi5Launcher launcher, CancellationToken ct) =>
        {
            var enrolment = await db.Enrolments.AsNoTracking().FirstOrDefaultAsync(e => e.Registration == request.Registration, ct);
            if (enrolment?.PackageId is not { } pid || await packages.FindAsync(pid, ct) is not { } package) return Results.Problem(statusCode: 404, title: "Inscription inconnue.");
            var au = CourseStructure.FromJson(package.StructureJson).Aus().ElementAtOrDefault(request.AuIndex);
            if (au is null) return Results.Problem(statusCode: 400, title: "Index d'AU hors du cours.");
            await launcher.WaiveAsync(enrolment.Id, au.Id, request.Reason, LearningUrls.For(http), ct);
            return Results.NoContent();
        });

        group.MapPost("/abandon", async (AbandonRequest request, Cmi5Launcher launcher, CancellationToken ct) =>
        {
            try { await launcher.AbandonSessionAsync(request.SessionId, ct); return Results.NoContent(); }
            catch (ValidationFailedException ex) { return Results.Problem(statusCode: 404, title: ex.Message); }
        });
    }
}
