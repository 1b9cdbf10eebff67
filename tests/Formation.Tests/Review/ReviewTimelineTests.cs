using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Review;
using Formation.Review.Data;
using Formation.Tests.Support;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Formation.Tests.Workflows;
using static Formation.Tests.Workflows.WorkflowTestSupport;
using ReviewDefinition = Formation.Review.ReviewDefinition;
using A = Formation.Workflows.Contracts.WorkflowAuditActions;

namespace Formation.Tests.Review;

/// <summary>Enrolments as the learning side would answer them: the learners a test says are enrolled.</summary>
public sealed class EnrolledLearners : IRetiredModuleAccess
{
    public ConcurrentDictionary<(string, Guid), bool> Enrolled { get; } = new();
    public Task<bool> HasAccessAsync(string userId, Guid moduleId, CancellationToken ct = default) => Task.FromResult(Enrolled.ContainsKey((userId, moduleId)));
}

/// <summary>The review process over months on a controlled clock: reminders and escalations across a restart, the yearly re-review, retirement.</summary>
[Trait("Category", "Integration")]
public sealed class ReviewTimelineTests
{
    private readonly TestPortal _portal = new("relecture-temps");
    private readonly Dictionary<string, string> _ids = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly EnrolledLearners _enrolled = new();
    private Guid _institute;
    private static readonly string[] Experts = ["expert-a", "expert-b", "arbitre"];

    private void Services(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IRetiredModuleAccess>(_enrolled);
    }

    private async Task<FormationFactory> StartAsync(bool keepData = false)
    {
        var factory = new FormationFactory { TestServices = Services, KeepData = keepData };
        var recipe = _portal.Recipe(features: ["Formation.Catalog", "Formation.Search", "Formation.Review"]);
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "users", tenant = _portal.Id,
            users = Experts.Select(e => new { email = _portal.Email(e), displayName = $"{e} {_portal.Id}", password = TestPortal.Password, roles = new[] { "reviewer" } }).ToArray(),
        }));
        recipe.Steps.Add(TestPortal.Step(new
        {
            name = "reviewers", tenant = _portal.Id,
            reviewers = new object[]
            {
                new { email = _portal.Email("expert-a"), themes = new[] { "attachement" } },
                new { email = _portal.Email("expert-b"), themes = new[] { "attachement" } },
                new { email = _portal.Email("arbitre"), themes = Array.Empty<string>(), lead = true },
            },
        }));
        await factory.RunRecipeAsync(recipe);
        await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var users = sp.GetRequiredService<UserManager<FormationUser>>();
            foreach (var who in Experts.Append("institute-publisher").Append("learner"))
                _ids[who] = (await users.FindByEmailAsync(_portal.Email(who)))!.Id;
            _institute = (await sp.GetRequiredService<OrganisationDirectory>().ListAsync()).Single(o => o.Kind == OrganisationKind.TrainingInstitute).Id;
            return true;
        });
        return factory;
    }

    private static ModuleContent Content(string word) => new()
    {
        Title = $"Accompagner l'enfant {word}", Summary = "Un module relu chaque année.", DescriptionMarkdown = "Texte du module.",
        Objectives = ["Comprendre l'attachement"], Themes = ["attachement"], DurationHours = 3, AccessibilityInfo = "Sous-titres et transcriptions.",
    };

    private Task<Guid> CreateAndSubmitAsync(FormationFactory factory, string word) => factory.InTenantAsync(_portal.Id, async sp =>
    {
        var authoring = sp.GetRequiredService<CatalogAuthoring>();
        var module = await authoring.CreateAsync(new CreateModule("module-" + word, _institute, Content(word)), _ids["institute-publisher"]);
        await authoring.SubmitAsync(module.Id, _institute);
        return module.Id;
    });

    private static Task<WorkflowInstanceDto?> InstanceAsync(FormationFactory factory, string tenant, Guid moduleId) =>
        factory.EngineAsync(tenant, e => e.FindByCorrelationAsync(ReviewDefinition.Id, ReviewDefinition.CorrelationType, moduleId.ToString()));

    private async Task<WorkflowInstanceDto> StateAsync(FormationFactory factory, Guid moduleId, string state, int? round = null)
    {
        WorkflowInstanceDto? instance = null;
        await WaitForAsync(async () =>
        {
            instance = await InstanceAsync(factory, _portal.Id, moduleId);
            return instance?.State == state && (round is null || instance.Data["round"]?.GetValue<int>() == round);
        }, what: $"state {state}");
        return instance!;
    }

    private async Task<WorkflowTaskDto> TaskAsync(FormationFactory factory, string who, Guid moduleId)
    {
        WorkflowTaskDto? task = null;
        await WaitForAsync(async () =>
        {
            task = (await factory.EngineAsync(_portal.Id, e => e.TasksForActorAsync(new WorkflowActor(_ids[who], ["reviewer"]), ReviewDefinition.Id)))
                .SingleOrDefault(t => t.CorrelationId == moduleId.ToString());
            return task is not null;
        }, what: $"task of {who}");
        return task!;
    }

    private Task DecideAsync(FormationFactory factory, string who, Guid taskId, string decision) => factory.InTenantAsync(_portal.Id, sp =>
        sp.GetRequiredService<ReviewService>().SubmitReviewAsync(taskId, CriteriaGrid.Default.Criteria.ToDictionary(c => c.Key, _ => decision == ReviewDefinition.Approve ? 4 : 1),
            decision == ReviewDefinition.Approve ? null : "Le cadre légal a changé depuis la publication.", decision, new WorkflowActor(_ids[who], ["reviewer"])));

    private async Task ApproveAsync(FormationFactory factory, Guid moduleId)
    {
        foreach (var who in new[] { "expert-a", "expert-b" })
            await DecideAsync(factory, who, (await TaskAsync(factory, who, moduleId)).Id, ReviewDefinition.Approve);
    }

    private Task<List<ReviewNotification>> NotificationsAsync(FormationFactory factory) =>
        factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<ReviewDbContext>().Notifications.AsNoTracking().ToListAsync());

    private async Task<int> HitsAsync(FormationFactory factory, string word) =>
        JsonDocument.Parse(await factory.ClientFor(_portal.Host).GetStringAsync($"/api/search?q={word}")).RootElement.GetProperty("total").GetInt32();

    [Fact]
    public async Task A_review_reminder_and_escalation_fire_once_each_and_still_fire_after_a_restart()
    {
        var first = await StartAsync(keepData: true);
        Guid moduleId;
        List<WorkflowTaskDto> tasks;
        try
        {
            moduleId = await CreateAndSubmitAsync(first, "relance" + Guid.NewGuid().ToString("N")[..6]);
            await StateAsync(first, moduleId, ReviewDefinition.InReview);
            tasks = [await TaskAsync(first, "expert-a", moduleId), await TaskAsync(first, "expert-b", moduleId)];
            Assert.All(tasks, t => Assert.Equal(Start.AddDays(10), t.DueUtc));

            // Day 8: the reminder (2 days before the due date, the default settings) reaches both experts, in the app and by e-mail.
            _time.Advance(TimeSpan.FromDays(8) + TimeSpan.FromMinutes(1));
            await WaitForAsync(async () => (await NotificationsAsync(first)).Count(n => n.Key.StartsWith("reminder:", StringComparison.Ordinal)) == 2, _time, "reminders");
            Assert.Equal(0, await first.Scheduler().RunDueTimersAsync());
        }
        finally { await first.DisposeAsync(); }

        // Another host on the same data: the escalation (day 10) still fires, once, and the lead reviewer hears of it.
        await using var second = FormationFactory.Restart(first);
        _ = second.Services;
        _time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(2));
        await WaitForAsync(async () => (await NotificationsAsync(second)).Count(n => n.Key.StartsWith("escalated:", StringComparison.Ordinal) && n.UserId == _ids["arbitre"]) == 2,
            _time, "escalations");
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await second.Scheduler().RunDueTimersAsync());

        var notices = await NotificationsAsync(second);
        foreach (var task in tasks)
        {
            Assert.Single(notices, n => n.Key.StartsWith($"reminder:{task.Id}:", StringComparison.Ordinal));
            Assert.Single(notices, n => n.Key == $"escalated:{task.Id}" && n.UserId == task.AssigneeUserId);
        }
        var instance = (await InstanceAsync(second, _portal.Id, moduleId))!;
        var trail = await second.AuditAsync(_portal.Id, instance.Id);
        Assert.Equal(2, trail.Count(a => a.Action == A.TaskReminder));
        Assert.Equal(2, trail.Count(a => a.Action == A.TaskEscalated));
        Assert.All(trail.Where(a => a.Action == A.TaskReminder), a => Assert.InRange(a.At, Start.AddDays(8), Start.AddDays(9)));
        Assert.All(trail.Where(a => a.Action == A.TaskEscalated), a => Assert.True(a.At >= Start.AddDays(10)));
        var mails = Directory.GetFiles(Path.Combine(second.DataPath, "mail"), "*.eml").Select(File.ReadAllText).ToList();
        Assert.Contains(mails, m => m.Contains(_portal.Email("expert-a")) && m.Contains("Rappel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Published_modules_come_back_for_review_every_year_and_a_rejection_retires_them_for_new_learners_only()
    {
        await using var factory = await StartAsync();
        var kept = "annuel" + Guid.NewGuid().ToString("N")[..6];
        var retired = "perime" + Guid.NewGuid().ToString("N")[..6];
        var keptId = await CreateAndSubmitAsync(factory, kept);
        var retiredId = await CreateAndSubmitAsync(factory, retired);
        foreach (var id in new[] { keptId, retiredId })
        {
            await StateAsync(factory, id, ReviewDefinition.InReview);
            await ApproveAsync(factory, id);
            await StateAsync(factory, id, ReviewDefinition.Published);
        }
        await WaitForAsync(async () => await HitsAsync(factory, retired) == 1, what: "published in search");
        _enrolled.Enrolled[(_ids["learner"], retiredId)] = true;

        // A year later both come back for review, on the version learners see, while they stay online.
        _time.Advance(TimeSpan.FromDays(365) + TimeSpan.FromMinutes(1));
        foreach (var id in new[] { keptId, retiredId })
        {
            var round2 = await StateAsync(factory, id, ReviewDefinition.InReview, round: 2);
            Assert.True(round2.Data["periodic"]!.GetValue<bool>());
            var rounds = await factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<ReviewService>().RoundsAsync(round2.Id));
            Assert.True(rounds[1].Periodic);
            Assert.Equal(rounds[0].VersionId, rounds[1].VersionId);
        }
        Assert.Equal(1, await HitsAsync(factory, retired));

        await ApproveAsync(factory, keptId);
        foreach (var who in new[] { "expert-a", "expert-b" })
            await DecideAsync(factory, who, (await TaskAsync(factory, who, retiredId)).Id, ReviewDefinition.Reject);

        await StateAsync(factory, keptId, ReviewDefinition.Published, round: 2);
        var final = await StateAsync(factory, retiredId, ReviewDefinition.Retired);
        Assert.True(final.IsCompleted);
        await WaitForAsync(async () => await HitsAsync(factory, retired) == 0, what: "retired module out of search");
        Assert.Equal(1, await HitsAsync(factory, kept));

        var (published, last) = await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var reader = sp.GetRequiredService<ICatalogReader>();
            return (await reader.GetPublishedAsync(retiredId), await reader.GetLastPublishedAsync(retiredId));
        });
        Assert.Null(published);
        Assert.True(last!.IsRetired);

        // Learners already enrolled keep the module page; anybody else finds nothing.
        var slug = "module-" + retired;
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor(_portal.Host).GetAsync($"/formations/{slug}")).StatusCode);
        var learner = factory.ClientFor(_portal.Host);
        await learner.LogInAsync(_portal.Email("learner"), TestPortal.Password);
        var page = await learner.GetAsync($"/formations/{slug}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Module retiré du catalogue", await page.Content.ReadAsStringAsync());
        var other = factory.ClientFor(_portal.Host);
        await other.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/formations/{slug}")).StatusCode);

        // The audit trail tells the whole year, and the publisher was told.
        var trail = await factory.AuditAsync(_portal.Id, final.Id);
        Assert.Equal(
            ["submitted→in-review", "in-review→approved", "approved→published", "published→re-review-due", "re-review-due→in-review", "in-review→rejected", "rejected→retired"],
            trail.Where(a => a.Action == A.Transition).Select(a => $"{a.FromState}→{a.ToState}").ToList());
        Assert.Equal(A.Completed, trail[^1].Action);
        await WaitForAsync(async () => (await NotificationsAsync(factory)).Any(n => n.UserId == _ids["institute-publisher"] && n.Key == $"retired:{final.Id}"), what: "retirement notice");
    }
}
