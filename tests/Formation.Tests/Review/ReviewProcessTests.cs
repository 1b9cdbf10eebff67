using System.Text.Json;
using Formation.Catalog;
using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Review;
using Formation.Review.Data;
using Formation.Shell.Validation;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Review;

/// <summary>The whole review path without a browser: submission, independent experts, grids, lead arbitration, publication and search.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class ReviewProcessTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("relecture");
    private readonly Dictionary<string, string> _ids = new();
    private Guid _institute;

    private static readonly string[] Experts = ["expert-a", "expert-b", "expert-interne", "arbitre"];

    public async Task InitializeAsync()
    {
        var recipe = _portal.Recipe(features: ["Formation.Catalog", "Formation.Search", "Formation.Review"]);
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "users", tenant = _portal.Id,
            users = Experts.Select(e => new { email = _portal.Email(e), displayName = $"{e} {_portal.Id}", password = TestPortal.Password, roles = new[] { "reviewer" }, organisation = e == "expert-interne" ? "organisme" : null }).ToArray(),
        }));
        await factory.RunRecipeAsync(recipe);
        await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<FormationUser>>();
            foreach (var who in Experts.Append("reviewer").Append("institute-publisher"))
                _ids[who] = (await users.FindByEmailAsync(_portal.Email(who)))!.Id;
            _institute = (await sp.GetRequiredService<OrganisationDirectory>().ListAsync()).Single(o => o.Kind == OrganisationKind.TrainingInstitute).Id;
            var directory = sp.GetRequiredService<ReviewerDirectory>();
            await directory.SaveAsync(_ids["expert-interne"], ["attachement", "familles"], _institute, isLead: true, active: true);
            await directory.SaveAsync(_ids["expert-a"], ["attachement"], null, false, true);
            await directory.SaveAsync(_ids["expert-b"], ["attachement", "familles"], null, false, true);
            await directory.SaveAsync(_ids["arbitre"], [], null, isLead: true, active: true);
            return true;
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private WorkflowActor Actor(string who) => new(_ids[who], ["reviewer"]);

    private static ModuleContent Content(string word, string? accessibility = "Sous-titres et transcriptions.") => new()
    {
        Title = $"Accueillir l'enfant {word}", Summary = "Un module relu.", DescriptionMarkdown = "Texte du module.",
        Objectives = ["Comprendre l'accueil"], Themes = ["attachement"], DurationHours = 2, AccessibilityInfo = accessibility,
    };

    private Task<T> InPortal<T>(Func<IServiceProvider, Task<T>> action) => factory.InTenantAsync(_portal.Id, action);

    private async Task<Guid> CreateAndSubmitAsync(string word, ModuleContent? content = null)
    {
        return await InPortal(async sp =>
        {
            var authoring = sp.GetRequiredService<CatalogAuthoring>();
            var module = await authoring.CreateAsync(new CreateModule("module-" + word, _institute, content ?? Content(word)), _ids["institute-publisher"]);
            await authoring.SubmitAsync(module.Id, _institute);
            return module.Id;
        });
    }

    private async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var value = await read();
            if (condition(value)) return value;
            await Task.Delay(50);
        }
        var errors = await InPortal(sp => sp.GetRequiredService<Formation.Shell.Events.ShellDbContext>().Outbox.AsNoTracking()
            .Where(m => m.LastError != null && m.TenantId == _portal.Id).Select(m => m.Type + ": " + m.LastError).ToListAsync());
        throw new Xunit.Sdk.XunitException($"Timed out waiting for: {what}. Failed events: {string.Join(" | ", errors)}");
    }

    private Task<WorkflowInstanceDto?> InstanceAsync(Guid moduleId) =>
        InPortal(sp => sp.GetRequiredService<IWorkflowEngine>().FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, moduleId.ToString()));

    private Task<WorkflowInstanceDto> StateAsync(Guid moduleId, string state) =>
        EventuallyAsync(() => InstanceAsync(moduleId), i => i?.State == state, $"state {state}")!;

    private Task<IReadOnlyList<WorkflowTaskDto>> TasksAsync(string who, Guid moduleId) =>
        InPortal(async sp => (IReadOnlyList<WorkflowTaskDto>)(await sp.GetRequiredService<IWorkflowEngine>().TasksForActorAsync(Actor(who), ReviewDefinition.Id))
            .Where(t => t.CorrelationId == moduleId.ToString()).ToList());

    private static Dictionary<string, int> FullGrid(int score = 4) => CriteriaGrid.Default.Criteria.ToDictionary(c => c.Key, _ => score);

    private Task<WorkflowDecisionResult> ReviewAsync(string who, Guid taskId, string decision, string? comment = null, Dictionary<string, int>? scores = null) =>
        InPortal(sp => sp.GetRequiredService<ReviewService>().SubmitReviewAsync(taskId, scores ?? FullGrid(), comment, decision, Actor(who)));

    private async Task<int> HitsAsync(string word)
    {
        var json = await factory.ClientFor(_portal.Host).GetStringAsync($"/api/search?q={word}");
        return JsonDocument.Parse(json).RootElement.GetProperty("total").GetInt32();
    }

    [Fact]
    public async Task A_reviewer_reviews_through_the_inbox_and_the_review_screen()
    {
        var word = "ecran" + Guid.NewGuid().ToString("N")[..6];
        var moduleId = await CreateAndSubmitAsync(word);
        await StateAsync(moduleId, ReviewDefinition.InReview);
        var task = Assert.Single(await TasksAsync("expert-a", moduleId));

        var reviewer = factory.ClientFor(_portal.Host);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await reviewer.LogInAsync(_portal.Email("expert-a"), TestPortal.Password)).StatusCode);
        var inbox = System.Net.WebUtility.HtmlDecode(await reviewer.GetStringAsync("/relecture"));
        Assert.Contains($"Accueillir l'enfant {word}", inbox);
        Assert.Contains($"/relecture/{task.Id}", inbox);

        var screen = System.Net.WebUtility.HtmlDecode(await reviewer.GetStringAsync($"/relecture/{task.Id}"));
        Assert.Contains("Le module tel que les apprenant·es le verront", screen);
        Assert.Contains("Conformité au cadre légal de la protection de l'enfance", screen);

        var incomplete = await reviewer.SubmitAsync($"/relecture/{task.Id}", new Dictionary<string, string> { ["Scores[exactitude]"] = "4", ["Decision"] = "approve" });
        Assert.Equal(System.Net.HttpStatusCode.OK, incomplete.StatusCode);
        Assert.Contains("Notez le critère", System.Net.WebUtility.HtmlDecode(await incomplete.Content.ReadAsStringAsync()));

        var full = CriteriaGrid.Default.Criteria.ToDictionary(c => $"Scores[{c.Key}]", _ => "3");
        full["Decision"] = "approve";
        full["Comment"] = "Clair et juste.";
        var done = await reviewer.SubmitAsync($"/relecture/{task.Id}", full);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, done.StatusCode);
        Assert.DoesNotContain($"/relecture/{task.Id}", await reviewer.GetStringAsync("/relecture"));

        // Nobody else opens this task, not even another reviewer of the portal.
        var other = factory.ClientFor(_portal.Host);
        await other.LogInAsync(_portal.Email("expert-interne"), TestPortal.Password);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await other.GetAsync($"/relecture/{task.Id}")).StatusCode);

        // The publisher follows the review from the workspace; reviewers stay anonymous by default.
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        Assert.Contains($"/espace-editeur/{moduleId}/relecture", await publisher.GetStringAsync("/espace-editeur"));
        var status = System.Net.WebUtility.HtmlDecode(await publisher.GetStringAsync($"/espace-editeur/{moduleId}/relecture"));
        Assert.Contains("En relecture", status);
        Assert.Contains("Clair et juste.", status);
        Assert.DoesNotContain("expert-a", status);

        // The operators' dashboard counts it among the modules under review.
        var admin = factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        var dashboard = System.Net.WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/relecture"));
        Assert.Contains("Modules par état", dashboard);
        Assert.Contains("Taux d'approbation", dashboard);

        // Admins set an expert's themes, institute and lead role from the reviewers page.
        var saved = await admin.SubmitAsync("/admin/relecteurs", new Dictionary<string, string>
        {
            ["UserId"] = _ids["reviewer"], ["Themes"] = "mna", ["InstituteId"] = _institute.ToString(), ["IsLead"] = "true", ["Active"] = "true",
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, saved.StatusCode);
        var profile = await InPortal(async sp => (await sp.GetRequiredService<ReviewerDirectory>().ListAsync()).Single(p => p.UserId == _ids["reviewer"]));
        Assert.Equal(["mna"], profile.Themes);
        Assert.Equal(_institute, profile.InstituteId);
        Assert.True(profile.IsLead);
        var refused = await admin.SubmitAsync("/admin/relecteurs", new Dictionary<string, string> { ["UserId"] = _ids["reviewer"], ["Themes"] = "inconnu" });
        Assert.Contains("Thématique inconnue", System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));

        // Settings: a broken grid line is refused in French and nothing changes.
        var badGrid = await admin.SubmitAsync("/admin/relecture/reglages", new Dictionary<string, string> { ["DueDays"] = "10", ["ReminderDaysBefore"] = "2", ["Grid"] = "exactitude | Exactitude" });
        Assert.Contains("Ligne 1", System.Net.WebUtility.HtmlDecode(await badGrid.Content.ReadAsStringAsync()));
        Assert.Equal(5, (await InPortal(sp => sp.GetRequiredService<ReviewSettingsStore>().GetAsync())).Grid.Criteria.Count);
    }

    [Fact]
    public async Task Two_independent_reviewers_approve_and_the_module_is_published_and_searchable()
    {
        var word = "revue" + Guid.NewGuid().ToString("N")[..6];
        var moduleId = await CreateAndSubmitAsync(word);
        var instance = await StateAsync(moduleId, ReviewDefinition.InReview);
        var reviewers = instance.Data["reviewers"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal([_ids["expert-a"], _ids["expert-b"]], reviewers.Order().ToList() is var sorted && sorted.Count == 2 ? reviewers : sorted);
        Assert.DoesNotContain(_ids["expert-interne"], reviewers);
        Assert.Equal(_ids["arbitre"], instance.Data["lead"]!.GetValue<string>());
        Assert.Empty(await TasksAsync("expert-interne", moduleId));

        var taskA = Assert.Single(await TasksAsync("expert-a", moduleId));
        var taskB = Assert.Single(await TasksAsync("expert-b", moduleId));
        Assert.NotNull(taskA.DueUtc);
        await ReviewAsync("expert-a", taskA.Id, ReviewDefinition.Approve);
        await ReviewAsync("expert-b", taskB.Id, ReviewDefinition.Approve, "Très bon module.");

        await StateAsync(moduleId, ReviewDefinition.Published);
        await EventuallyAsync(() => HitsAsync(word), n => n == 1, "the module in search");

        var trail = await InPortal(async sp => await sp.GetRequiredService<IWorkflowEngine>().AuditTrailAsync(instance.Id));
        var actions = trail.Select(a => a.Action).ToList();
        Assert.Equal(WorkflowAuditActions.Started, actions[0]);
        Assert.Equal(2, actions.Count(a => a == WorkflowAuditActions.TaskCreated));
        Assert.Equal(2, actions.Count(a => a == WorkflowAuditActions.TaskDecided));
        Assert.Equal(WorkflowAuditActions.Transition, actions[^1]); // published, waiting for the yearly re-review
        Assert.False((await InstanceAsync(moduleId))!.IsCompleted);
        Assert.Equal(["submitted", "in-review", "approved", "published"],
            trail.Where(a => a.Action == WorkflowAuditActions.Transition).Select(a => a.FromState!).Append(trail.Last(a => a.Action == WorkflowAuditActions.Transition).ToState!).ToList());

        // Notifications in the app and by e-mail: the experts' tasks, the publisher's publication.
        var notices = await EventuallyAsync(() => InPortal(sp => sp.GetRequiredService<ReviewDbContext>().Notifications.AsNoTracking().ToListAsync()),
            n => n.Any(x => x.UserId == _ids["institute-publisher"] && x.Key == $"published:{instance.Id}"), "publication notice");
        Assert.Contains(notices, n => n.UserId == _ids["expert-a"] && n.Link == $"/relecture/{taskA.Id}" && n.Text.Contains("vous est confiée"));
        var mails = Directory.GetFiles(Path.Combine(factory.DataPath, "mail"), "*.eml").Select(File.ReadAllText).ToList();
        Assert.Contains(mails, m => m.Contains(_portal.Email("expert-a")) && m.Contains("Nouvelle relecture", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changes_requested_then_resubmitted_shows_what_changed_and_is_approved()
    {
        var word = "boucle" + Guid.NewGuid().ToString("N")[..6];
        var moduleId = await CreateAndSubmitAsync(word);
        await StateAsync(moduleId, ReviewDefinition.InReview);
        await ReviewAsync("expert-a", Assert.Single(await TasksAsync("expert-a", moduleId)).Id, ReviewDefinition.Changes, "Précisez les objectifs.");
        await ReviewAsync("expert-b", Assert.Single(await TasksAsync("expert-b", moduleId)).Id, ReviewDefinition.Changes, "Ajoutez un objectif.", FullGrid(2));
        await StateAsync(moduleId, ReviewDefinition.ChangesRequested);

        await InPortal(async sp =>
        {
            var authoring = sp.GetRequiredService<CatalogAuthoring>();
            await authoring.SaveDraftAsync(moduleId, Content(word) with { Objectives = ["Comprendre l'accueil", "Repérer les besoins de l'enfant"] }, _institute, _ids["institute-publisher"]);
            await authoring.SubmitAsync(moduleId, _institute);
            return true;
        });
        var round2 = await EventuallyAsync(() => InstanceAsync(moduleId), i => i?.State == ReviewDefinition.InReview && i.Data["round"]!.GetValue<int>() == 2, "round 2");
        var rounds = await InPortal(sp => sp.GetRequiredService<ReviewService>().RoundsAsync(round2.Id));
        Assert.Equal(2, rounds.Count);
        Assert.Equal(ReviewDefinition.ChangesRequested, rounds[0].Outcome);
        var change = Assert.Single(ReviewService.Diff(ReviewService.ContentOf(rounds[0]), ReviewService.ContentOf(rounds[1])));
        Assert.Equal("Objectifs", change.Field);
        Assert.Contains("Repérer les besoins", change.After);

        foreach (var who in new[] { "expert-a", "expert-b" })
            await ReviewAsync(who, Assert.Single(await TasksAsync(who, moduleId)).Id, ReviewDefinition.Approve);
        await StateAsync(moduleId, ReviewDefinition.Published);
        var scores = await InPortal(sp => sp.GetRequiredService<ReviewService>().ScoresAsync(round2.Id));
        Assert.Equal(4, scores.Count);
        Assert.Equal(2, scores.Count(s => s.Round == 1 && s.Decision == ReviewDefinition.Changes));
    }

    [Fact]
    public async Task A_disagreement_goes_to_the_lead_reviewer()
    {
        var word = "desaccord" + Guid.NewGuid().ToString("N")[..6];
        var moduleId = await CreateAndSubmitAsync(word);
        await StateAsync(moduleId, ReviewDefinition.InReview);
        Task<ModuleVersion> EditAsync() => InPortal(sp => sp.GetRequiredService<CatalogAuthoring>().SaveDraftAsync(moduleId, Content(word) with { Summary = "Modifié." }, _institute, _ids["institute-publisher"]));
        var locked = await Assert.ThrowsAsync<ValidationFailedException>(EditAsync);
        Assert.Contains("en relecture", locked.Message);
        await ReviewAsync("expert-a", Assert.Single(await TasksAsync("expert-a", moduleId)).Id, ReviewDefinition.Approve);
        await ReviewAsync("expert-b", Assert.Single(await TasksAsync("expert-b", moduleId)).Id, ReviewDefinition.Reject, "Cadre légal absent.", FullGrid(1));
        await StateAsync(moduleId, ReviewDefinition.LeadReview);

        var lead = Assert.Single(await TasksAsync("arbitre", moduleId));
        await ReviewAsync("arbitre", lead.Id, ReviewDefinition.Reject, "Le cadre légal manque.", FullGrid(2));
        var done = await StateAsync(moduleId, ReviewDefinition.Rejected);
        Assert.False(done.IsCompleted); // the publisher may rework it and submit again
        Assert.Equal(0, await HitsAsync(word));
        Assert.Equal("Modifié.", (await EditAsync()).Content.Summary);
    }

    [Fact]
    public async Task An_incomplete_grid_is_refused_in_French_and_checks_send_back_a_module_without_accessibility_statement()
    {
        var word = "grille" + Guid.NewGuid().ToString("N")[..6];
        var moduleId = await CreateAndSubmitAsync(word);
        await StateAsync(moduleId, ReviewDefinition.InReview);
        var task = Assert.Single(await TasksAsync("expert-a", moduleId));
        var partial = FullGrid();
        partial.Remove("pedagogie");
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => ReviewAsync("expert-a", task.Id, ReviewDefinition.Approve, scores: partial));
        Assert.Contains("Notez le critère « Qualité pédagogique ».", refused.Errors["Scores"]);
        var noComment = await Assert.ThrowsAsync<ValidationFailedException>(() => ReviewAsync("expert-a", task.Id, ReviewDefinition.Reject));
        Assert.Contains("Expliquez votre décision", noComment.Errors["Comment"][0]);
        await Assert.ThrowsAsync<ValidationFailedException>(() => ReviewAsync("expert-interne", task.Id, ReviewDefinition.Approve));

        var other = await CreateAndSubmitAsync("acces" + Guid.NewGuid().ToString("N")[..6], Content("acces", accessibility: null));
        var returned = await StateAsync(other, ReviewDefinition.ChangesRequested);
        var trail = await InPortal(async sp => await sp.GetRequiredService<IWorkflowEngine>().AuditTrailAsync(returned.Id));
        Assert.Contains(trail, a => a.Trigger == "return" && a.Comment!.Contains("déclaration d'accessibilité"));
    }
}
