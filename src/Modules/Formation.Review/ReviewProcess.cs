using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Review.Data;
using Formation.Shell.Data;
using Formation.Shell.Email;
using Formation.Shell.Events;
using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Formation.Review;

/// <summary>The platform's review settings: the criteria grid, due days, reminders, whether publishers see who reviewed.</summary>
public sealed record ReviewSettings(CriteriaGrid Grid, int DueDays = 10, int ReminderDaysBefore = 2, bool ShowReviewerIdentities = false, int ReReviewDays = 365)
{
    public static readonly ReviewSettings Default = new(CriteriaGrid.Default);
}

public sealed class ReviewSettingsStore(ReviewDbContext db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ReviewSettings> GetAsync(CancellationToken ct = default)
    {
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null) return ReviewSettings.Default;
        var grid = string.IsNullOrWhiteSpace(row.GridJson) ? CriteriaGrid.Default : JsonSerializer.Deserialize<CriteriaGrid>(row.GridJson, Json) ?? CriteriaGrid.Default;
        return new ReviewSettings(grid, row.DueDays, row.ReminderDaysBefore, row.ShowReviewerIdentities, row.ReReviewDays);
    }

    public async Task SaveAsync(ReviewSettings settings, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (settings.DueDays is < 1 or > 90) errors.Add("DueDays", "Le délai de relecture va de 1 à 90 jours.");
        if (settings.ReminderDaysBefore < 0 || settings.ReminderDaysBefore >= settings.DueDays) errors.Add("ReminderDaysBefore", "La relance se fait avant l'échéance (0 jour pour aucune relance).");
        if (settings.ReReviewDays is < 30 or > 1830) errors.Add("ReReviewDays", "La nouvelle relecture d'un module publié a lieu entre 30 jours et 5 ans après sa publication.");
        if (settings.Grid.Criteria.Count == 0) errors.Add("Grid", "La grille compte au moins un critère.");
        errors.ThrowIfAny();
        var row = await db.Settings.FirstOrDefaultAsync(ct);
        if (row is null) db.Settings.Add(row = new ReviewSettingsRecord());
        row.GridJson = JsonSerializer.Serialize(settings.Grid, Json);
        row.DueDays = settings.DueDays;
        row.ReminderDaysBefore = settings.ReminderDaysBefore;
        row.ShowReviewerIdentities = settings.ShowReviewerIdentities;
        row.ReReviewDays = settings.ReReviewDays;
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>The "module-review" definition, shipped as JSON in the module; due dates and reminders come from the settings.</summary>
public static class ReviewDefinition
{
    public const string Id = "module-review";
    public const string CorrelationType = "module";

    public const string Submitted = "submitted", InReview = "in-review", LeadReview = "lead-review", ChangesRequested = "changes-requested",
        Approved = "approved", Published = "published", Rejected = "rejected", ReReviewDue = "re-review-due", Retired = "retired";
    public const string ReReview = "re-review", Retire = "retire", Resubmit = "resubmit", KeepPublished = "keep-published";
    public const string Approve = "approve", Changes = "changes", Reject = "reject";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(ReviewDefinition).Assembly.GetManifestResourceStream(
            typeof(ReviewDefinition).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("module-review.json", StringComparison.Ordinal)))!;
        return new StreamReader(stream).ReadToEnd();
    });

    public static string Json(ReviewSettings settings)
    {
        var json = Template.Value.Replace("{dueDays}", settings.DueDays.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{reminderDays}", settings.ReminderDaysBefore.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{reReviewDays}", settings.ReReviewDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (settings.ReminderDaysBefore == 0) json = json.Replace("\"remindersBefore\": [\"P0D\"], ", "");
        return json;
    }

    public static string DecisionLabel(string? decision) => decision switch
    {
        Approve => "Approuver", Changes => "Demander des modifications", Reject => "Refuser", _ => decision ?? "",
    };
}

/// <summary>While experts decide, the submitted version cannot change under them; it opens again when changes are requested.</summary>
internal sealed class ReviewEditLock(IWorkflowEngine engine, FeatureService features, TenantContext tenant) : IModuleEditLock
{
    private static readonly string[] Deciding = [ReviewDefinition.Submitted, ReviewDefinition.InReview, ReviewDefinition.LeadReview, ReviewDefinition.Approved];

    public async Task<string?> ReasonAsync(Guid moduleId, CancellationToken ct = default)
    {
        if (tenant.Tenant is not { } t || !features.IsEnabled(t, ReviewModule.Feature)) return null;
        var instance = await engine.FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, moduleId.ToString(), ct);
        return instance is { IsCompleted: false } && Deciding.Contains(instance.State)
            ? "Cette version est en relecture : vous pourrez la modifier si les relecteur·rices demandent des modifications."
            : null;
    }
}

/// <summary>The automatic checks run before experts are asked: required fields, accessibility statement, prices consistent with the format.</summary>
public static class ReviewChecks
{
    public static IReadOnlyList<string> Run(ModuleContent content)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(content.Title)) problems.Add("Le titre est obligatoire.");
        if (string.IsNullOrWhiteSpace(content.Summary)) problems.Add("Le résumé est obligatoire.");
        if (string.IsNullOrWhiteSpace(content.DescriptionMarkdown)) problems.Add("La description est obligatoire.");
        if (content.Objectives.Count == 0) problems.Add("Indiquez au moins un objectif pédagogique.");
        if (content.Themes.Count == 0) problems.Add("Indiquez au moins une thématique.");
        if (content.DurationHours <= 0) problems.Add("La durée doit être positive.");
        if (string.IsNullOrWhiteSpace(content.AccessibilityInfo)) problems.Add("La déclaration d'accessibilité est obligatoire.");
        try { ModuleContentRules.Validate(content); }
        catch (ValidationFailedException ex) { problems.AddRange(ex.Errors.SelectMany(e => e.Value)); }
        return problems.Distinct().ToList();
    }
}

/// <summary>"review-automatic-checks": the round's automatic checks passed and experts were found.</summary>
internal sealed class AutomaticChecksGuard(ReviewDbContext db) : IWorkflowGuard
{
    public string Name => "review-automatic-checks";
    public string Description => "Contrôles automatiques réussis (champs obligatoires, accessibilité, prix) et relecteur·rices désigné·es";

    public async Task<WorkflowGuardResult> EvaluateAsync(WorkflowGuardContext context, CancellationToken ct)
    {
        var round = await db.Rounds.AsNoTracking().Where(r => r.InstanceId == context.Instance.Id).OrderByDescending(r => r.Number).FirstOrDefaultAsync(ct);
        if (round is null) return WorkflowGuardResult.Deny("Aucune version soumise n'a été contrôlée.");
        if (round.CheckProblems.Count > 0) return WorkflowGuardResult.Deny("Contrôles automatiques : " + string.Join(" ", round.CheckProblems));
        if (context.Instance.Data["reviewers"] is not JsonArray { Count: > 0 }) return WorkflowGuardResult.Deny("Aucun·e relecteur·rice indépendant·e n'est disponible.");
        return WorkflowGuardResult.Allow;
    }
}

/// <summary>Whether the experts of the current round decided differently (and a lead reviewer exists to settle it).</summary>
internal abstract class AgreementGuardBase(ReviewDbContext db) : IWorkflowGuard
{
    public abstract string Name { get; }
    protected abstract bool WantsDisagreement { get; }

    public async Task<WorkflowGuardResult> EvaluateAsync(WorkflowGuardContext context, CancellationToken ct)
    {
        var round = context.Instance.Data["round"]?.GetValue<int>() ?? 1;
        var decisions = await db.Scores.AsNoTracking().Where(s => s.InstanceId == context.Instance.Id && s.Round == round && !s.IsLead)
            .Select(s => s.Decision).Distinct().ToListAsync(ct);
        var hasLead = context.Instance.Data["lead"] is JsonValue lead && !string.IsNullOrEmpty(lead.GetValue<string>());
        var disagreement = decisions.Count > 1 && hasLead;
        return disagreement == WantsDisagreement ? WorkflowGuardResult.Allow
            : WorkflowGuardResult.Deny(WantsDisagreement ? "Les relecteur·rices sont d'accord." : "Les relecteur·rices ne sont pas d'accord : l'arbitrage revient à la relectrice ou au relecteur principal.");
    }
}

internal sealed class AgreementGuard(ReviewDbContext db) : AgreementGuardBase(db)
{
    public override string Name => "review-agreement";
    public string Description => "Les relecteur·rices ont pris la même décision";
    protected override bool WantsDisagreement => false;
}

internal sealed class DisagreementGuard(ReviewDbContext db) : AgreementGuardBase(db)
{
    public override string Name => "review-disagreement";
    public string Description => "Les relecteur·rices ont pris des décisions différentes (arbitrage)";
    protected override bool WantsDisagreement => true;
}

/// <summary>Reviewer profiles of the current portal; accounts with the reviewer role but no profile count with their organisation as institute.</summary>
public sealed class ReviewerDirectory(ReviewDbContext db, UserManager<FormationUser> users)
{
    public async Task<List<ReviewerProfile>> ListAsync(CancellationToken ct = default)
    {
        var profiles = await db.Reviewers.ToListAsync(ct);
        foreach (var user in await users.GetUsersInRoleAsync(Roles.Reviewer))
        {
            if (profiles.Any(p => p.UserId == user.Id)) continue;
            profiles.Add(new ReviewerProfile { UserId = user.Id, Name = user.DisplayName, Email = user.Email ?? "", InstituteId = user.OrganisationId });
        }
        return profiles.OrderBy(p => p.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), true)).ToList();
    }

    /// <summary>Creates or updates the profile of an account of this portal.</summary>
    public async Task<ReviewerProfile> SaveAsync(string userId, IEnumerable<string> themes, Guid? instituteId, bool isLead, bool active, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new ValidationFailedException("UserId", "Ce compte n'existe pas sur ce portail.");
        var unknown = themes.Where(t => !Taxonomy.Themes.ContainsKey(t)).ToList();
        if (unknown.Count > 0) throw new ValidationFailedException("Themes", $"Thématique inconnue : {string.Join(", ", unknown)}.");
        var profile = await db.Reviewers.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (profile is null) db.Reviewers.Add(profile = new ReviewerProfile { UserId = userId });
        profile.Name = user.DisplayName;
        profile.Email = user.Email ?? "";
        profile.Themes = themes.Distinct().ToList();
        profile.InstituteId = instituteId;
        profile.IsLead = isLead;
        profile.Active = active;
        await db.SaveChangesAsync(ct);
        return profile;
    }
}

/// <summary>In-app notifications, each with a copy by e-mail; a redelivered event notifies once (its key).</summary>
public sealed class ReviewNotifier(ReviewDbContext db, UserManager<FormationUser> users, IEmailSender email, TimeProvider time, ILogger<ReviewNotifier> logger)
{
    public async Task NotifyAsync(string userId, string key, string subject, string text, string? link, CancellationToken ct = default)
    {
        if (await db.Notifications.AnyAsync(n => n.Key == key && n.UserId == userId, ct)) return;
        db.Notifications.Add(new ReviewNotification { UserId = userId, Key = key, Text = text, Link = link, At = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user?.Email is not { Length: > 0 } address) return;
        try
        {
            var html = $"<p>Bonjour {System.Net.WebUtility.HtmlEncode(user.DisplayName)},</p><p>{System.Net.WebUtility.HtmlEncode(text)}</p>"
                       + (link is null ? "" : $"<p>Rendez-vous sur la plateforme : {System.Net.WebUtility.HtmlEncode(link)}</p>")
                       + "<p>L'équipe Formation</p>";
            var plain = $"Bonjour {user.DisplayName},\n\n{text}\n" + (link is null ? "" : $"\nRendez-vous sur la plateforme : {link}\n") + "\nL'équipe Formation";
            await email.SendAsync(new EmailMessage(address, subject, html, plain), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Review e-mail to {User} failed", userId);
        }
    }

    public async Task NotifyInstituteAsync(Guid instituteId, string key, string subject, string text, string? link, CancellationToken ct = default)
    {
        var members = await users.Users.Where(u => u.OrganisationId == instituteId).Select(u => u.Id).ToListAsync(ct);
        foreach (var id in members) await NotifyAsync(id, key, subject, text, link, ct);
    }
}

/// <summary>French texts of the review's notifications.</summary>
public static class ReviewTemplates
{
    public static (string Subject, string Text) TaskAssigned(string title, string module, DateTimeOffset? due) =>
        ($"Nouvelle relecture : {module}", $"Une tâche « {title} » vous est confiée pour le module « {module} »" + (due is { } d ? $", à rendre avant le {d:dd/MM/yyyy}." : "."));
    public static (string, string) Reminder(string module, DateTimeOffset due) =>
        ($"Rappel : relecture de « {module} »", $"Votre relecture du module « {module} » est attendue avant le {due:dd/MM/yyyy}.");
    public static (string, string) Escalated(string module, DateTimeOffset due) =>
        ($"Relecture en retard : {module}", $"La relecture du module « {module} » attendue le {due:dd/MM/yyyy} est en retard ; la relectrice ou le relecteur principal est prévenu·e.");
    public static (string, string) Decision(string module, string decision) =>
        ($"Avis rendu sur « {module} »", $"Un·e relecteur·rice a rendu son avis sur le module « {module} » : {decision}.");
    public static (string, string) ChangesRequested(string module) =>
        ($"Modifications demandées : {module}", $"Les relecteur·rices demandent des modifications du module « {module} ». Consultez leurs commentaires, modifiez le brouillon puis soumettez-le à nouveau.");
    public static (string, string) Published(string module) =>
        ($"Module approuvé et publié : {module}", $"Le module « {module} » a été approuvé par les relecteur·rices et il est publié au catalogue.");
    public static (string, string) Rejected(string module) =>
        ($"Module refusé : {module}", $"Le module « {module} » a été refusé à l'issue de la relecture. Les motifs figurent dans les commentaires des relecteur·rices.");
    public static (string, string) Retired(string module) =>
        ($"Module retiré du catalogue : {module}", $"Le module « {module} » est retiré du catalogue : il n'accepte plus de nouvelles inscriptions ; les personnes déjà inscrites y gardent accès.");
    public static (string, string) NoReviewer(string module) =>
        ($"Relecture impossible : {module}", $"Aucun·e relecteur·rice indépendant·e n'est disponible pour le module « {module} » : complétez les profils des relecteur·rices.");
}
