using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Review.Data;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Formation.Review;

/// <summary>The review use cases: start or resume a round when a module is submitted, record an expert's review.</summary>
public sealed class ReviewService(
    ReviewDbContext db, ShellDatabase database, IWorkflowEngine engine, IWorkflowDefinitions definitions, ReviewSettingsStore settings,
    ReviewerDirectory directory, CatalogAuthoring authoring, ReviewNotifier notifier, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Saves the definition from the settings (an unchanged text saves nothing).</summary>
    public async Task EnsureDefinitionAsync(CancellationToken ct = default) =>
        await definitions.SaveAsync(ReviewDefinition.Json(await settings.GetAsync(ct)), null, ct);

    /// <summary>Open review tasks per reviewer (their load).</summary>
    public async Task<Dictionary<string, int>> LoadsAsync(IEnumerable<string> userIds, CancellationToken ct)
    {
        var loads = new Dictionary<string, int>();
        foreach (var id in userIds.Distinct())
            loads[id] = (await engine.TasksForActorAsync(new WorkflowActor(id, []), ReviewDefinition.Id, ct)).Count(t => t.AssigneeUserId == id || t.ClaimedBy == id);
        return loads;
    }

    /// <summary>States in which a new submission starts the next round of the module's review instance.</summary>
    private static readonly string[] ResubmittableStates = [ReviewDefinition.ChangesRequested, ReviewDefinition.Published, ReviewDefinition.Rejected];

    /// <summary>Handles a submission: automatic checks, two independent experts and a lead, then the workflow starts or resumes.</summary>
    public async Task OnSubmittedAsync(ModuleSubmitted submitted, CancellationToken ct = default)
    {
        await EnsureDefinitionAsync(ct);
        var module = await authoring.FindOwnAsync(submitted.ModuleId, null, ct);
        var version = module?.Versions.FirstOrDefault(v => v.Id == submitted.VersionId);
        if (module is null || version is null || version.State != VersionState.Submitted) return; // stale or redelivered
        var existing = await engine.FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, module.Id.ToString(), ct);
        var running = existing is { IsCompleted: false } ? existing : null;
        if (running is not null && !ResubmittableStates.Contains(running.State)) return; // already under review
        await StartRoundAsync(module, version, running, periodic: false, ct);
    }

    /// <summary>
    /// The yearly re-review of a published module: a new round on the version learners see now. The module stays
    /// published during it; a rejection retires it.
    /// </summary>
    public async Task OnReReviewDueAsync(WorkflowInstanceDto instance, CancellationToken ct = default)
    {
        var module = await authoring.FindOwnAsync(Guid.Parse(instance.CorrelationId), null, ct);
        if (module?.Published is not { } published || module.Retired)
        {
            await engine.FireAsync(instance.Id, ReviewDefinition.Retire, WorkflowActor.System, "Le module n'est plus publié.", ct: ct);
            return;
        }
        await StartRoundAsync(module, published, instance, periodic: true, ct);
    }

    private async Task StartRoundAsync(TrainingModule module, ModuleVersion version, WorkflowInstanceDto? running, bool periodic, CancellationToken ct)
    {
        var profiles = (await directory.ListAsync(ct)).Select(p => p.ToReviewer()).ToList();
        var loads = await LoadsAsync(profiles.Select(p => p.UserId), ct);
        var chosen = ReviewerAssignment.Choose(version.Content.Themes, module.PublisherId, profiles, loads);
        var lead = ReviewerAssignment.ChooseLead(module.PublisherId, profiles, chosen.Select(c => c.UserId).ToHashSet(), loads);
        var problems = ReviewChecks.Run(version.Content);
        var round = running is null ? 1 : (running.Data["round"]?.GetValue<int>() ?? 0) + 1;

        await database.InTransactionAsync(async () =>
        {
            var values = new Dictionary<string, JsonNode?>
            {
                ["moduleId"] = module.Id.ToString(), ["versionId"] = version.Id.ToString(), ["publisherId"] = module.PublisherId.ToString(),
                ["title"] = version.Content.Title, ["round"] = round, ["periodic"] = periodic,
                ["reviewers"] = new JsonArray(chosen.Select(c => (JsonNode?)JsonValue.Create(c.UserId)).ToArray()),
                ["lead"] = lead?.UserId,
            };
            Guid instanceId;
            if (running is null)
            {
                var data = new JsonObject();
                foreach (var (k, v) in values) if (v is not null) data[k] = v.DeepClone();
                instanceId = (await engine.StartAsync(new StartWorkflow(ReviewDefinition.Id, ReviewDefinition.CorrelationType, module.Id.ToString(), data), WorkflowActor.System, ct)).Id;
            }
            else
            {
                instanceId = running.Id;
                await engine.UpdateDataAsync(instanceId, values, WorkflowActor.System, ct);
                if (!periodic)
                    await engine.FireAsync(instanceId, ReviewDefinition.Resubmit, WorkflowActor.System, $"Version soumise à nouveau (tour {round}).", ct: ct);
            }
            db.Rounds.Add(new ReviewRound
            {
                InstanceId = instanceId, ModuleId = module.Id, VersionId = version.Id, PublisherId = module.PublisherId, Number = round,
                ContentJson = JsonSerializer.Serialize(version.Content, Json), Reviewers = chosen.Select(c => c.UserId).ToList(),
                LeadUserId = lead?.UserId, CheckProblems = problems.ToList(), SubmittedUtc = time.GetUtcNow(), Periodic = periodic,
            });
            await db.SaveChangesAsync(ct);
            if (problems.Count > 0)
                await engine.FireAsync(instanceId, "return", WorkflowActor.System, "Contrôles automatiques : " + string.Join(" ", problems), ct: ct);
            else if (chosen.Count > 0)
                await engine.FireAsync(instanceId, "start-review", WorkflowActor.System,
                    periodic ? $"Tour {round} : relecture périodique confiée à {chosen.Count} expert·e(s)." : $"Tour {round} : relecture confiée à {chosen.Count} expert·e(s).", ct: ct);
        }, ct);
        if (problems.Count == 0 && chosen.Count == 0)
        {
            var (subject, text) = ReviewTemplates.NoReviewer(version.Content.Title);
            await notifier.NotifyInstituteAsync(module.PublisherId, $"no-reviewer:{module.Id}:{round}", subject, text, $"/espace-editeur/{module.Id}/relecture", ct);
        }
    }

    /// <summary>Records an expert's review (complete grid, comment, decision) and decides their task, in one transaction.</summary>
    public async Task<WorkflowDecisionResult> SubmitReviewAsync(Guid taskId, IReadOnlyDictionary<string, int> scores, string? comment, string? decision, WorkflowActor actor, CancellationToken ct = default)
    {
        var task = await engine.FindTaskAsync(taskId, ct);
        if (task is null || task.DefinitionId != ReviewDefinition.Id) throw new ValidationFailedException("Task", "Cette relecture n'existe pas.");
        if (!task.IsOpen) throw new ValidationFailedException("Task", "Cette tâche a déjà été décidée.");
        if (task.CurrentUserId != actor.UserId) throw new ValidationFailedException("Task", "Cette relecture est confiée à quelqu'un d'autre.");
        var instance = await engine.FindAsync(task.InstanceId, ct) ?? throw new ValidationFailedException("Task", "Cette relecture n'existe pas.");
        var grid = (await settings.GetAsync(ct)).Grid;

        var errors = new ValidationErrors();
        foreach (var problem in grid.Check(scores)) errors.Add("Scores", problem);
        if (decision is not (ReviewDefinition.Approve or ReviewDefinition.Changes or ReviewDefinition.Reject)) errors.Add("Decision", "Choisissez une décision : approuver, demander des modifications ou refuser.");
        else if (decision != ReviewDefinition.Approve && string.IsNullOrWhiteSpace(comment)) errors.Add("Comment", "Expliquez votre décision dans le commentaire (motifs, modifications attendues).");
        if (comment is { Length: > 8000 }) errors.Add("Comment", "Le commentaire dépasse 8 000 caractères.");
        errors.ThrowIfAny();

        WorkflowDecisionResult? result = null;
        await database.InTransactionAsync(async () =>
        {
            db.Scores.Add(new ReviewScore
            {
                InstanceId = instance.Id, Round = instance.Data["round"]?.GetValue<int>() ?? 1, TaskId = task.Id, ReviewerUserId = actor.UserId,
                IsLead = task.State == ReviewDefinition.LeadReview, Scores = scores.ToDictionary(), Average = grid.Average(scores),
                Comment = comment?.Trim() ?? "", Decision = decision!, At = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
            result = await engine.DecideAsync(task.Id, decision!, comment?.Trim(), actor, ct);
        }, ct);
        return result!;
    }

    public Task<List<ReviewRound>> RoundsAsync(Guid instanceId, CancellationToken ct = default) =>
        db.Rounds.AsNoTracking().Where(r => r.InstanceId == instanceId).OrderBy(r => r.Number).ToListAsync(ct);

    public Task<List<ReviewScore>> ScoresAsync(Guid instanceId, CancellationToken ct = default) =>
        db.Scores.AsNoTracking().Where(s => s.InstanceId == instanceId).OrderBy(s => s.Round).ThenBy(s => s.At).ToListAsync(ct);

    public static ModuleContent ContentOf(ReviewRound round) => JsonSerializer.Deserialize<ModuleContent>(round.ContentJson, Json)!;

    /// <summary>Field-by-field differences between two contents (French field names), for "what changed since the last round".</summary>
    public static IReadOnlyList<ContentChange> Diff(ModuleContent before, ModuleContent after)
    {
        var changes = new List<ContentChange>();
        void Field(string label, string? a, string? b) { if ((a ?? "") != (b ?? "")) changes.Add(new(label, a ?? "", b ?? "")); }
        static string L(IEnumerable<string> items) => string.Join("\n", items);
        Field("Titre", before.Title, after.Title);
        Field("Résumé", before.Summary, after.Summary);
        Field("Description", before.DescriptionMarkdown, after.DescriptionMarkdown);
        Field("Objectifs", L(before.Objectives), L(after.Objectives));
        Field("Programme", L(before.Outline), L(after.Outline));
        Field("Métiers", L(before.Professions), L(after.Professions));
        Field("Thématiques", L(before.Themes), L(after.Themes));
        Field("Niveau", before.Level.ToString(), after.Level.ToString());
        Field("Format", Taxonomy.FormatLabel(before.Format), Taxonomy.FormatLabel(after.Format));
        Field("Durée (heures)", before.DurationHours.ToString("0.##"), after.DurationHours.ToString("0.##"));
        Field("Langue", before.Language, after.Language);
        Field("Prérequis", before.Prerequisites, after.Prerequisites);
        Field("Accessibilité", before.AccessibilityInfo, after.AccessibilityInfo);
        Field("Code de certification", before.CertificationCode, after.CertificationCode);
        Field("Éligible CPF", before.CpfEligible ? "oui" : "non", after.CpfEligible ? "oui" : "non");
        Field("Prix individuel (centimes)", before.Prices.IndividualCents.ToString(), after.Prices.IndividualCents.ToString());
        Field("Prix par place employeur (centimes)", before.Prices.EmployerSeatCents.ToString(), after.Prices.EmployerSeatCents.ToString());
        Field("Prix de licence organisme (centimes)", before.Prices.InstituteLicenceCents.ToString(), after.Prices.InstituteLicenceCents.ToString());
        static string Tiers(Formation.Catalog.Contracts.ModulePrices p) => string.Join(" ; ", p.EmployerTiers.Select(t => $"dès {t.MinimumSeats} places : {t.UnitCents}"));
        Field("Tarif dégressif employeur (centimes par place)", Tiers(before.Prices), Tiers(after.Prices));
        return changes;
    }
}

public sealed record ContentChange(string Field, string Before, string After);

/// <summary>Reacts to the catalogue and the engine: starts rounds, publishes on approval, notifies at every step.</summary>
internal sealed class ReviewEventHandlers(
    ReviewService service, ReviewDbContext db, IWorkflowEngine engine, CatalogAuthoring authoring, ShellDatabase database,
    ReviewNotifier notifier, FeatureService features, TenantContext tenant)
    : IDomainEventHandler<ModuleSubmitted>, IDomainEventHandler<WorkflowStateChanged>, IDomainEventHandler<WorkflowTaskCreated>,
      IDomainEventHandler<WorkflowTaskReminderDue>, IDomainEventHandler<WorkflowTaskEscalated>, IDomainEventHandler<ModuleUnpublished>
{
    private bool ReviewOn => tenant.Tenant is { } t && features.IsEnabled(t, ReviewModule.Feature);

    public async Task HandleAsync(ModuleSubmitted e, CancellationToken ct)
    {
        if (!ReviewOn) return; // portals without the review: administrators publish directly
        await service.OnSubmittedAsync(e, ct);
    }

    /// <summary>A module withdrawn from the catalogue (by an administrator, or after a failed re-review) ends its review.</summary>
    public async Task HandleAsync(ModuleUnpublished e, CancellationToken ct)
    {
        var instance = await engine.FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, e.ModuleId.ToString(), ct);
        if (instance is null || instance.IsCompleted) return;
        var actions = await engine.AvailableActionsAsync(instance.Id, WorkflowActor.System, ct);
        if (actions.Any(a => a.Trigger == ReviewDefinition.Retire))
            await engine.FireAsync(instance.Id, ReviewDefinition.Retire, WorkflowActor.System, "Module retiré du catalogue.", ct: ct);
    }

    public async Task HandleAsync(WorkflowStateChanged e, CancellationToken ct)
    {
        if (e.DefinitionId != ReviewDefinition.Id) return;
        var instance = await engine.FindAsync(e.InstanceId, ct);
        if (instance is null) return;
        var moduleId = Guid.Parse(e.CorrelationId);
        var title = instance.Data["title"]?.GetValue<string>() ?? "";
        var publisher = Guid.TryParse(instance.Data["publisherId"]?.GetValue<string>(), out var p) ? p : Guid.Empty;
        var round = instance.Data["round"]?.GetValue<int>() ?? 1;
        var periodic = instance.Data["periodic"]?.GetValue<bool>() == true;
        var link = $"/espace-editeur/{moduleId}/relecture";

        if (e.ToState is ReviewDefinition.ChangesRequested or ReviewDefinition.Rejected or ReviewDefinition.Approved)
        {
            var row = await db.Rounds.FirstOrDefaultAsync(r => r.InstanceId == e.InstanceId && r.Number == round, ct);
            if (row is not null && row.Outcome is null) { row.Outcome = e.ToState; row.DecidedUtc = instance.UpdatedUtc; await db.SaveChangesAsync(ct); }
        }
        switch (e.ToState)
        {
            case ReviewDefinition.Approved when instance.State == ReviewDefinition.Approved:
                await database.InTransactionAsync(async () =>
                {
                    // Only the version the experts reviewed is published (a periodic round confirms the one online).
                    var module = await authoring.FindOwnAsync(moduleId, null, ct);
                    var reviewed = instance.Data["versionId"]?.GetValue<string>();
                    if (!periodic && module?.Draft is { State: VersionState.Submitted } draft && draft.Id.ToString() == reviewed)
                        await authoring.PublishAsync(moduleId, ct: ct);
                    await engine.FireAsync(e.InstanceId, "publish", WorkflowActor.System,
                        periodic ? "Relecture périodique favorable : le module reste publié." : "Publié au catalogue après approbation.", ct: ct);
                }, ct);
                break;
            case ReviewDefinition.ReReviewDue when instance.State == ReviewDefinition.ReReviewDue:
                await service.OnReReviewDueAsync(instance, ct);
                break;
            case ReviewDefinition.Retired:
            {
                var module = await authoring.FindOwnAsync(moduleId, null, ct);
                if (module is { Retired: false, PublishedVersionId: not null }) await authoring.RetireAsync(moduleId, ct);
                var (s, t) = ReviewTemplates.Retired(title);
                await notifier.NotifyInstituteAsync(publisher, $"retired:{e.InstanceId}", s, t, link, ct);
                break;
            }
            case ReviewDefinition.Published:
            {
                var (s, t) = ReviewTemplates.Published(title);
                await notifier.NotifyInstituteAsync(publisher, $"published:{e.InstanceId}", s, t, link, ct);
                break;
            }
            case ReviewDefinition.ChangesRequested:
            {
                var (s, t) = ReviewTemplates.ChangesRequested(title);
                await notifier.NotifyInstituteAsync(publisher, $"changes:{e.InstanceId}:{round}", s, t, link, ct);
                break;
            }
            case ReviewDefinition.Rejected:
            {
                var (s, t) = ReviewTemplates.Rejected(title);
                await notifier.NotifyInstituteAsync(publisher, $"rejected:{e.InstanceId}:{round}", s, t, link, ct);
                if (instance.State != ReviewDefinition.Rejected) break;
                var module = await authoring.FindOwnAsync(moduleId, null, ct);
                var online = module is { Retired: false, PublishedVersionId: not null };
                if (periodic && online)
                    await engine.FireAsync(e.InstanceId, ReviewDefinition.Retire, WorkflowActor.System, "Relecture périodique défavorable : module retiré du catalogue.", ct: ct);
                else if (online)
                    await engine.FireAsync(e.InstanceId, ReviewDefinition.KeepPublished, WorkflowActor.System, "Nouvelle version refusée : la version publiée reste en ligne.", ct: ct);
                break;
            }
        }
    }

    public async Task HandleAsync(WorkflowTaskCreated e, CancellationToken ct)
    {
        if (e.DefinitionId != ReviewDefinition.Id || e.AssigneeUserId is null) return;
        var title = await TitleAsync(e.InstanceId, ct);
        var (s, t) = ReviewTemplates.TaskAssigned(e.Title, title, e.DueUtc);
        await notifier.NotifyAsync(e.AssigneeUserId, $"task:{e.TaskId}", s, t, $"/relecture/{e.TaskId}", ct);
    }

    public async Task HandleAsync(WorkflowTaskReminderDue e, CancellationToken ct)
    {
        if (e.DefinitionId != ReviewDefinition.Id || e.UserId is null) return;
        var (s, t) = ReviewTemplates.Reminder(await TitleAsync(e.InstanceId, ct), e.DueUtc);
        await notifier.NotifyAsync(e.UserId, $"reminder:{e.TaskId}:{e.DueUtc.UtcTicks}", s, t, $"/relecture/{e.TaskId}", ct);
    }

    public async Task HandleAsync(WorkflowTaskEscalated e, CancellationToken ct)
    {
        if (e.DefinitionId != ReviewDefinition.Id) return;
        var instance = await engine.FindAsync(e.InstanceId, ct);
        var (s, t) = ReviewTemplates.Escalated(instance?.Data["title"]?.GetValue<string>() ?? "", e.DueUtc);
        var people = new List<string?> { e.PreviousUserId, instance?.Data["lead"]?.GetValue<string>() };
        foreach (var user in people.OfType<string>().Distinct())
            await notifier.NotifyAsync(user, $"escalated:{e.TaskId}", s, t, user == e.PreviousUserId ? $"/relecture/{e.TaskId}" : "/relecture", ct);
    }

    private async Task<string> TitleAsync(Guid instanceId, CancellationToken ct) =>
        (await engine.FindAsync(instanceId, ct))?.Data["title"]?.GetValue<string>() ?? "";
}
