using System.Security.Claims;
using System.Text.Json.Nodes;
using Formation.Catalog.Contracts;
using Formation.Learning.Certificates;
using Formation.Learning.Contracts;
using Formation.Learning.Data;
using Formation.Learning.Launch;
using Formation.Learning.Packages;
using Formation.Lrs.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Recipes;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.Learning;

public sealed class LearningModule : FormationModule
{
    public const string Feature = "Learning";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Parcours d'apprentissage",
        Description = "Inscriptions, paquets de contenu cmi5 et xAPI, lancement cmi5, progression, tableau de bord de l'apprenant·e et certificats de réalisation.",
        Category = "Apprentissage",
        Dependencies = ["Formation.Catalog", "Lrs"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<LearningDbContext>();
        services.Configure<PackageLimits>(configuration.GetSection("Learning:Packages"));
        SystemFonts.Directory = configuration["Learning:FontDirectory"];
        services.AddScoped<ContentPackages>();
        services.AddScoped<LearningPeople>();
        services.AddScoped<Enrolments>();
        services.AddScoped<IEnrolments>(sp => sp.GetRequiredService<Enrolments>());
        services.AddScoped<ILearnerProgress, LearnerProgress>();
        services.AddScoped<IRetiredModuleAccess>(sp => sp.GetRequiredService<Enrolments>());
        services.AddScoped<Cmi5Launcher>();
        services.AddScoped<CertificateIssuer>();
        services.AddScoped<ProgressTracker>();
        services.AddScoped<IDomainEventHandler<LrsStatementStored>>(sp => sp.GetRequiredService<ProgressTracker>());
        services.AddScoped<ILrsSessionStatementPolicy, Cmi5StatementPolicy>();
        services.AddScoped<ILrsSessionStatementsStored, Cmi5SessionOutcomes>();
        services.AddScoped<IModulePageActions, EnrolmentPageAction>();
        services.AddSingleton(new ModuleWorkspaceLink("Contenu", "/espace-editeur/{0}/contenu", Feature));
        services.AddScoped<IRecipeStep, Recipes.PackagesStep>();
        services.AddSingleton<INavigationProvider, LearningNavigation>();
        services.AddMemoryCache();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ConformanceApi.Map(endpoints, endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        endpoints.MapGet(ContentPackages.ContentRoute + "/{packageId:guid}/{**path}", ContentEndpoint.ServeAsync).ExcludeFromDescription();

        // cmi5 8.2: POST only, 200 with JSON whatever happens; the token is handed out once.
        endpoints.MapPost("/cmi5/fetch/{secret}", FetchAsync).ExcludeFromDescription().DisableAntiforgery();
        endpoints.MapMethods("/cmi5/fetch/{secret}", ["OPTIONS"], (HttpContext http) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            http.Response.Headers.AccessControlAllowMethods = "POST";
            return Results.NoContent();
        }).ExcludeFromDescription();
        endpoints.MapMethods("/cmi5/fetch/{secret}", ["GET", "PUT", "DELETE"], () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed)).ExcludeFromDescription();

        endpoints.MapGet("/verify/{code}", (string code, HttpContext http) => Results.Redirect($"{http.Request.PathBase}/verifier/{Uri.EscapeDataString(code)}")).ExcludeFromDescription();
        endpoints.MapGet("/mes-formations/certificats/{code}.pdf", CertificateDownloadAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> FetchAsync(string secret, HttpContext http, LearningDbContext db, ILrsSessionTokens tokens, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.CacheControl = "no-store";
        static IResult Error(string code, string text) => Results.Json(new Dictionary<string, string> { ["error-code"] = code, ["error-text"] = text });
        try
        {
            var hash = Cmi5Launcher.Hash(secret);
            var session = await db.Sessions.FirstOrDefaultAsync(s => s.FetchHash == hash, ct);
            if (session is null) return Error("2", "Unknown fetch URL.");
            var now = time.GetUtcNow();
            if (session.FetchedUtc is not null) return Error("1", "The authorization token has already been returned.");
            if (session.ExpiresUtc <= now || session.EndedUtc is not null) return Error("1", "The session has expired.");
            var enrolment = await db.Enrolments.AsNoTracking().FirstAsync(e => e.Id == session.EnrolmentId, ct);
            // Claim the URL first (a conditional update), so that two racing POSTs cannot both get a token.
            var claimed = await db.Sessions.Where(s => s.Id == session.Id && s.FetchedUtc == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.FetchedUtc, now), ct);
            if (claimed == 0) return Error("1", "The authorization token has already been returned.");
            var launched = JsonNode.Parse(session.ActorJson)!.AsObject();
            var token = await tokens.IssueAsync(new LrsSessionGrant(launched, enrolment.Registration, session.AuActivityId, session.SessionId, session.ExpiresUtc), ct);
            return Results.Json(new Dictionary<string, string> { ["auth-token"] = token });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logs.CreateLogger("Formation.Learning.Fetch").LogError(ex, "cmi5 fetch failed");
            return Error("3", "The token could not be issued.");
        }
    }

    private static async Task<IResult> CertificateDownloadAsync(string code, HttpContext http, LearningDbContext db, LearningPeople people, TenantContext tenant, CancellationToken ct)
    {
        if (http.User.Identity?.IsAuthenticated != true) return Results.Challenge();
        var normalised = code.Trim().ToUpperInvariant();
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalised, ct);
        if (certificate is null) return Results.NotFound();
        var me = people.UserId(http.User);
        if (certificate.UserId != me && !await people.IsEmployerManagerOfAsync(http.User, certificate.UserId, ct)) return Results.NotFound();
        var urls = LearningUrls.For(http);
        var pdf = CertificatePdf.Render(certificate, tenant.Required.Name, urls.BaseUrl + "/verify/" + certificate.Code);
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(pdf, "application/pdf", $"certificat-{certificate.Code}.pdf");
    }
}

public static class LearningUrls
{
    public static PortalUrls For(HttpContext http) => new($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");
}

/// <summary>The module page's button: enrol in a free MOOC, start or resume an enrolment, see a completed one.</summary>
internal sealed class EnrolmentPageAction(Enrolments enrolments, LearningPeople people) : IModulePageActions
{
    public string? FeatureId => LearningModule.Feature;

    public async Task<ModulePageAction?> ForAsync(PublishedModule module, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.Identity?.IsAuthenticated != true)
            return module.IsFree ? new ModulePageAction("S'inscrire gratuitement", "/connexion?ReturnUrl=" + Uri.EscapeDataString("/formations/" + module.Slug), false, "Connectez-vous ou créez un compte pour vous inscrire.") : null;
        var userId = people.UserId(user);
        if (userId is null) return null;
        var enrolment = await enrolments.FindAsync(userId, module.Id, ct);
        if (enrolment is null)
            return module.IsFree ? new ModulePageAction("S'inscrire gratuitement", $"/mes-formations/inscription/{module.Id}", true, "Accès libre, à votre rythme.") : null;
        if (enrolment.ClosedUtc is not null && enrolment.CompletedUtc is null)
            // Access withdrawn: a free module can be joined again, a paid one bought again (Commerce's action follows).
            return module.IsFree ? new ModulePageAction("S'inscrire gratuitement", $"/mes-formations/inscription/{module.Id}", true, "Votre accès précédent a été clos.") : null;
        if (enrolment.CompletedUtc is not null) return new ModulePageAction("Voir ma formation terminée", $"/mes-formations/{enrolment.Id}", false, "Formation terminée : votre certificat est disponible.");
        var started = await enrolments.HasStartedAsync(enrolment.Id, ct);
        return new ModulePageAction(started ? "Reprendre" : "Commencer", $"/mes-formations/{enrolment.Id}/lancer", true, "Vous êtes inscrit·e à cette formation.");
    }
}

internal sealed class LearningNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Mes formations", "/mes-formations", Menus.Main, Order: 20, FeatureId: LearningModule.Feature, Roles: [Roles.Learner]),
        new("Certificats de l'équipe", "/mes-formations/equipe", Menus.Main, Order: 21, FeatureId: LearningModule.Feature, Roles: [Roles.EmployerManager]),
    ];
}
