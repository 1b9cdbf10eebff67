using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Formation.Tests.Workflows;

namespace Formation.Tests.Learning;

/// <summary>
/// The cmi5 launch end to end over HTTP, the test playing the AU: enrolment, launch URL, one-time fetch, LMS.LaunchData,
/// the session rules enforced by the LRS, moveOn for both AUs of the sample course, completion and certificate.
/// </summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed partial class Cmi5LaunchTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("cmi5");

    public Task InitializeAsync() => factory.RunRecipeAsync(LearningTestSupport.Recipe(_portal));
    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex("/mes-formations/([0-9a-f-]{36})")]
    private static partial Regex EnrolmentUrl();

    private sealed record Launch(Uri Url, string Endpoint, string Fetch, JsonObject Actor, string Registration, string ActivityId);

    private static Launch Parse(Uri url)
    {
        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
        return new Launch(url, q["endpoint"]!, q["fetch"]!, JsonNode.Parse(q["actor"]!)!.AsObject(), q["registration"]!, q["activityId"]!);
    }

    private async Task<(HttpClient Learner, string EnrolmentId)> EnrolAsync()
    {
        var learner = factory.ClientFor(_portal.Host);
        await learner.LogInAsync(_portal.Email("learner"), TestPortal.Password);
        var page = await learner.GetStringAsync("/formations/mooc-reperer");
        Assert.Contains("S&#x27;inscrire gratuitement", page);
        var enrolled = await learner.SubmitAsync("/formations/mooc-reperer", new Dictionary<string, string>(), postUrl: "/mes-formations/inscription/" + Regex.Match(page, "/mes-formations/inscription/([0-9a-f-]{36})").Groups[1].Value);
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        var id = EnrolmentUrl().Match(enrolled.Headers.Location!.ToString()).Groups[1].Value;
        Assert.Contains("Commencer", await learner.GetStringAsync("/formations/mooc-reperer"));
        return (learner, id);
    }

    private static async Task<Launch> LaunchAsync(HttpClient learner, string enrolmentId, string? au = null)
    {
        var fields = au is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["au"] = au };
        var response = await learner.SubmitAsync($"/mes-formations/{enrolmentId}", fields, postUrl: $"/mes-formations/{enrolmentId}?handler=Lancer");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Parse(response.Headers.Location!);
    }

    private HttpClient Au(string token)
    {
        var client = factory.ClientFor(_portal.Host);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        client.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        return client;
    }

    private static async Task<string> FetchTokenAsync(HttpClient anonymous, Launch launch)
    {
        var response = await anonymous.PostAsync(new Uri(launch.Fetch).PathAndQuery, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["auth-token"]!.GetValue<string>();
    }

    private static JsonObject Statement(Launch launch, string sessionId, string verb, JsonObject? result = null, bool moveOn = false, double? mastery = null)
    {
        var categories = new JsonArray(new JsonObject { ["id"] = "https://w3id.org/xapi/cmi5/context/categories/cmi5" });
        if (moveOn) categories.Add(new JsonObject { ["id"] = "https://w3id.org/xapi/cmi5/context/categories/moveon" });
        var extensions = new JsonObject { ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] = sessionId };
        if (mastery is not null) extensions["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] = mastery;
        var s = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["actor"] = launch.Actor.DeepClone(),
            ["verb"] = new JsonObject { ["id"] = "http://adlnet.gov/expapi/verbs/" + verb },
            ["object"] = new JsonObject { ["id"] = launch.ActivityId },
            ["context"] = new JsonObject { ["registration"] = launch.Registration, ["contextActivities"] = new JsonObject { ["category"] = categories }, ["extensions"] = extensions },
        };
        if (result is not null) s["result"] = result;
        return s;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient au, JsonObject statement) =>
        await au.PostAsync("/xapi/statements", new StringContent(statement.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>What a cmi5 runtime does on start: reads LMS.LaunchData, then (unless told not to) the learner preferences.</summary>
    private static async Task<(JsonObject LaunchData, string SessionId)> LaunchDataAsync(HttpClient au, Launch launch, bool readPreferences = true)
    {
        var url = "/xapi/activities/state?stateId=LMS.LaunchData&activityId=" + Uri.EscapeDataString(launch.ActivityId)
            + "&agent=" + Uri.EscapeDataString(launch.Actor.ToJsonString()) + "&registration=" + launch.Registration;
        var response = await au.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (readPreferences) await ReadPreferencesAsync(au, launch);
        return (data, data["contextTemplate"]!["extensions"]!["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]!.GetValue<string>());
    }

    private static async Task ReadPreferencesAsync(HttpClient au, Launch launch)
    {
        var response = await au.GetAsync("/xapi/agents/profile?profileId=cmi5LearnerPreferences&agent=" + Uri.EscapeDataString(launch.Actor.ToJsonString()));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"preferences read: {response.StatusCode}");
    }

    [Fact]
    public async Task A_learner_plays_both_AUs_and_completes_with_a_certificate_the_rules_hold_on_the_way()
    {
        var (learner, enrolmentId) = await EnrolAsync();
        var anonymous = factory.ClientFor(_portal.Host);

        // Lesson (moveOn Completed).
        var lesson = await LaunchAsync(learner, enrolmentId);
        Assert.StartsWith($"http://{_portal.Host}/contenus/", lesson.Url.GetLeftPart(UriPartial.Path));
        Assert.EndsWith("/lesson/index.html", lesson.Url.AbsolutePath);
        Assert.StartsWith("urn:uuid:", lesson.ActivityId);
        Assert.Equal($"http://{_portal.Host}/xapi", lesson.Endpoint);
        Assert.Equal("GET and PUT are refused", (await anonymous.GetAsync(new Uri(lesson.Fetch).PathAndQuery)).StatusCode == HttpStatusCode.MethodNotAllowed ? "GET and PUT are refused" : "GET answered");
        var token = await FetchTokenAsync(anonymous, lesson);
        var again = JsonNode.Parse(await (await anonymous.PostAsync(new Uri(lesson.Fetch).PathAndQuery, null)).Content.ReadAsStringAsync())!;
        Assert.Equal("1", again["error-code"]!.GetValue<string>());
        Assert.Null(again["auth-token"]);
        var unknown = JsonNode.Parse(await (await anonymous.PostAsync("/cmi5/fetch/inconnu", null)).Content.ReadAsStringAsync())!;
        Assert.Equal("2", unknown["error-code"]!.GetValue<string>());

        var au = Au(token);
        var (data, session) = await LaunchDataAsync(au, lesson, readPreferences: false);
        Assert.Equal("Normal", data["launchMode"]!.GetValue<string>());
        Assert.Equal("Completed", data["moveOn"]!.GetValue<string>());
        Assert.Equal($"http://{_portal.Host}/mes-formations/{enrolmentId}", data["returnURL"]!.GetValue<string>());
        Assert.Equal("https://formation.example/cours/reperer-un-danger/lecon", data["contextTemplate"]!["contextActivities"]!["grouping"]![0]!["id"]!.GetValue<string>());

        // First statement must be initialized.
        var early = await PostAsync(au, Statement(lesson, session, "completed", new JsonObject { ["completion"] = true, ["duration"] = "PT1M" }, moveOn: true));
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        Assert.Contains("initialized", await early.Content.ReadAsStringAsync());
        // The learner preferences are read before initialized (cmi5 11.0).
        var unprepared = await PostAsync(au, Statement(lesson, session, "initialized"));
        Assert.Equal(HttpStatusCode.Forbidden, unprepared.StatusCode);
        Assert.Contains("cmi5LearnerPreferences", await unprepared.Content.ReadAsStringAsync());
        await ReadPreferencesAsync(au, lesson);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(lesson, session, "initialized"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(au, Statement(lesson, session, "initialized"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(lesson, session, "completed", new JsonObject { ["completion"] = true, ["duration"] = "PT2M" }, moveOn: true))).StatusCode);
        var twice = await PostAsync(au, Statement(lesson, session, "completed", new JsonObject { ["completion"] = true, ["duration"] = "PT2M" }, moveOn: true));
        Assert.Equal(HttpStatusCode.Forbidden, twice.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(lesson, session, "terminated", new JsonObject { ["duration"] = "PT3M" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(au, Statement(lesson, session, "experienced"))).StatusCode);

        // Quiz (moveOn Passed, masteryScore 0.7): a first session fails, is left open and gets abandoned by the next launch.
        var quiz = await LaunchAsync(learner, enrolmentId);
        Assert.EndsWith("/quiz/index.html", quiz.Url.AbsolutePath);
        var quizAu = Au(await FetchTokenAsync(anonymous, quiz));
        var (quizData, quizSession) = await LaunchDataAsync(quizAu, quiz);
        Assert.Equal(0.7, quizData["masteryScore"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(quizAu, Statement(quiz, quizSession, "initialized"))).StatusCode);
        var cheat = await PostAsync(quizAu, Statement(quiz, quizSession, "passed", new JsonObject { ["success"] = true, ["duration"] = "PT1M", ["score"] = new JsonObject { ["scaled"] = 0.5 } }, moveOn: true, mastery: 0.7));
        Assert.Equal(HttpStatusCode.Forbidden, cheat.StatusCode);
        Assert.Contains("seuil", await cheat.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(quizAu, Statement(quiz, quizSession, "failed", new JsonObject { ["success"] = false, ["duration"] = "PT1M", ["score"] = new JsonObject { ["scaled"] = 0.5 } }, moveOn: true, mastery: 0.7))).StatusCode);

        var retry = await LaunchAsync(learner, enrolmentId);
        Assert.Equal(quiz.ActivityId, retry.ActivityId);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(quizAu, Statement(quiz, quizSession, "terminated", new JsonObject { ["duration"] = "PT2M" }))).StatusCode);
        var retryAu = Au(await FetchTokenAsync(anonymous, retry));
        var (_, retrySession) = await LaunchDataAsync(retryAu, retry);
        Assert.NotEqual(quizSession, retrySession);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(retryAu, Statement(retry, retrySession, "initialized"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(retryAu, Statement(retry, retrySession, "passed", new JsonObject { ["success"] = true, ["duration"] = "PT4M", ["score"] = new JsonObject { ["scaled"] = 1.0 } }, moveOn: true, mastery: 0.7))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(retryAu, Statement(retry, retrySession, "terminated", new JsonObject { ["duration"] = "PT5M" }))).StatusCode);

        // moveOn: both AUs satisfied → block and course satisfied → enrolment completed, certificate issued.
        string? code = null;
        await WorkflowTestSupport.WaitForAsync(async () =>
        {
            var page = await learner.GetStringAsync($"/mes-formations/{enrolmentId}");
            code = Regex.Match(page, "/mes-formations/certificats/([A-Z0-9]{12})\\.pdf").Groups[1].Value;
            return code.Length == 12;
        }, what: "completion");
        var dashboard = await learner.GetStringAsync("/mes-formations");
        Assert.Contains("Terminée", dashboard);
        Assert.Contains("2 / 2", dashboard);

        var pdf = await learner.GetAsync($"/mes-formations/certificats/{code}.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]));

        var verify = await anonymous.GetAsync($"/verify/{code}");
        Assert.Equal(HttpStatusCode.Redirect, verify.StatusCode);
        var verified = await anonymous.GetStringAsync(verify.Headers.Location!.ToString());
        Assert.Contains("Certificat authentique", verified);
        Assert.Contains("Repérer un enfant en danger", verified);
        Assert.Contains("learner " + _portal.Id, verified);
        Assert.DoesNotContain(_portal.Email("learner"), verified);

        // The LMS recorded launched, abandoned and satisfied (block and course) in the LRS.
        var lrs = await factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<Formation.Lrs.Contracts.ILrsStatementReader>().ForRegistrationAsync(Guid.Parse(lesson.Registration)));
        Assert.Equal(3, lrs.Count(s => s.VerbId == "http://adlnet.gov/expapi/verbs/launched"));
        Assert.Single(lrs, s => s.VerbId == "https://w3id.org/xapi/adl/verbs/abandoned");
        Assert.Equal(2, lrs.Count(s => s.VerbId == "https://w3id.org/xapi/adl/verbs/satisfied"));
    }

    [Fact]
    public async Task Certificates_are_for_the_learner_and_their_employers_manager_only()
    {
        var (learner, enrolmentId) = await EnrolAsync();
        var anonymous = factory.ClientFor(_portal.Host);
        foreach (var (verb, result) in new[] { ("lesson", "completed"), ("quiz", "passed") })
        {
            var launch = await LaunchAsync(learner, enrolmentId);
            var au = Au(await FetchTokenAsync(anonymous, launch));
            var (_, session) = await LaunchDataAsync(au, launch);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(launch, session, "initialized"))).StatusCode);
            var r = result == "completed"
                ? Statement(launch, session, "completed", new JsonObject { ["completion"] = true, ["duration"] = "PT1M" }, moveOn: true)
                : Statement(launch, session, "passed", new JsonObject { ["success"] = true, ["duration"] = "PT1M", ["score"] = new JsonObject { ["scaled"] = 0.9 } }, moveOn: true, mastery: 0.7);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, r)).StatusCode);
        }
        string? code = null;
        await WorkflowTestSupport.WaitForAsync(async () =>
        {
            code = Regex.Match(await learner.GetStringAsync($"/mes-formations/{enrolmentId}"), "certificats/([A-Z0-9]{12})\\.pdf").Groups[1].Value;
            return code.Length == 12;
        }, what: "completion");

        // The learner is not attached to the employer yet: its manager cannot download.
        var manager = factory.ClientFor(_portal.Host);
        await manager.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/mes-formations/certificats/{code}.pdf")).StatusCode);
        await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>();
            var learnerUser = await users.FindByEmailAsync(_portal.Email("learner"));
            var managerUser = await users.FindByEmailAsync(_portal.Email("employer-manager"));
            learnerUser!.OrganisationId = managerUser!.OrganisationId;
            return await users.UpdateAsync(learnerUser);
        });
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/mes-formations/certificats/{code}.pdf")).StatusCode);
        Assert.Contains(code!, await manager.GetStringAsync("/mes-formations/equipe"));

        // Another account of the portal, and anyone on another portal, get nothing.
        var publisher = factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await publisher.GetAsync($"/mes-formations/certificats/{code}.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/mes-formations/certificats/{code}.pdf")).StatusCode);

        var other = new TestPortal("cmi5-autre");
        await factory.RunRecipeAsync(LearningTestSupport.Recipe(other, withPackage: false));
        var otherLearner = factory.ClientFor(other.Host);
        await otherLearner.LogInAsync(other.Email("learner"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await otherLearner.GetAsync($"/mes-formations/certificats/{code}.pdf")).StatusCode);
        Assert.Contains("Aucun certificat", await otherLearner.GetStringAsync($"/verifier/{code}"));
        Assert.Equal(HttpStatusCode.NotFound, (await otherLearner.GetAsync($"/mes-formations/{enrolmentId}")).StatusCode);
    }

    [Fact]
    public async Task A_waived_AU_counts_as_satisfied_and_is_recorded_once()
    {
        var (learner, enrolmentId) = await EnrolAsync();
        var lesson = await LaunchAsync(learner, enrolmentId);
        var anonymous = factory.ClientFor(_portal.Host);
        var au = Au(await FetchTokenAsync(anonymous, lesson));
        var (_, session) = await LaunchDataAsync(au, lesson);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(lesson, session, "initialized"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(au, Statement(lesson, session, "completed", new JsonObject { ["completion"] = true, ["duration"] = "PT1M" }, moveOn: true))).StatusCode);
        // The AU cannot waive itself.
        var self = Statement(lesson, session, "waived");
        self["verb"]!["id"] = "https://w3id.org/xapi/adl/verbs/waived";
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(au, self)).StatusCode);

        await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var launcher = sp.GetRequiredService<Formation.Learning.Launch.Cmi5Launcher>();
            var urls = new Formation.Learning.Launch.PortalUrls($"http://{_portal.Host}");
            await launcher.WaiveAsync(Guid.Parse(enrolmentId), "https://formation.example/cours/reperer-un-danger/quiz", "Acquis reconnus", urls, default);
            await launcher.WaiveAsync(Guid.Parse(enrolmentId), "https://formation.example/cours/reperer-un-danger/quiz", "Acquis reconnus", urls, default);
            return 0;
        });
        // What the waiver satisfies (the course: the lesson was completed) is recorded with it, in its session.
        var atOnce = await factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<Formation.Lrs.Contracts.ILrsStatementReader>().ForRegistrationAsync(Guid.Parse(lesson.Registration)));
        var waiver = Assert.Single(atOnce, s => s.VerbId == "https://w3id.org/xapi/adl/verbs/waived");
        var courseSatisfied = Assert.Single(atOnce, s => IsCourseSatisfied(s));
        Assert.Equal(waiver.SessionId, courseSatisfied.SessionId);
        await WorkflowTestSupport.WaitForAsync(async () => (await learner.GetStringAsync($"/mes-formations/{enrolmentId}")).Contains("Formation terminée"), what: "completion by waiver");
        var lrs = await factory.InTenantAsync(_portal.Id, sp => sp.GetRequiredService<Formation.Lrs.Contracts.ILrsStatementReader>().ForRegistrationAsync(Guid.Parse(lesson.Registration)));
        var waived = Assert.Single(lrs, s => s.VerbId == "https://w3id.org/xapi/adl/verbs/waived");
        Assert.Single(lrs, s => IsCourseSatisfied(s));
        Assert.Contains("Acquis reconnus", waived.Json);
        Assert.Equal(true, waived.Success);
    }

    private static bool IsCourseSatisfied(Formation.Lrs.Contracts.LrsStatementSummary s) =>
        s.VerbId == "https://w3id.org/xapi/adl/verbs/satisfied"
        && JsonNode.Parse(s.Json)?["object"]?["definition"]?["type"]?.GetValue<string>() == "https://w3id.org/xapi/cmi5/activitytype/course";

    [Fact]
    public async Task Self_enrolment_is_for_free_modules_only()
    {
        var learner = factory.ClientFor(_portal.Host);
        await learner.LogInAsync(_portal.Email("learner"), TestPortal.Password);
        var page = await learner.GetStringAsync("/formations/module-payant");
        Assert.DoesNotContain("/mes-formations/inscription/", page);
        var moduleId = await factory.InTenantAsync(_portal.Id, async sp =>
            (await sp.GetRequiredService<Formation.Catalog.Contracts.ICatalogAuthoringReader>().GetOwnBySlugAsync("module-payant"))!.Id);
        var refused = await learner.SubmitAsync("/mes-formations", new Dictionary<string, string>(), postUrl: $"/mes-formations/inscription/{moduleId}");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("réservée aux modules gratuits", await refused.Content.ReadAsStringAsync());

        // Commerce's contract opens a paid enrolment (idempotent).
        var opened = await factory.InTenantAsync(_portal.Id, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>();
            var id = (await users.FindByEmailAsync(_portal.Email("learner")))!.Id;
            var enrolments = sp.GetRequiredService<Formation.Learning.Contracts.IEnrolments>();
            var first = await enrolments.OpenAsync(id, moduleId, "commerce", "commande-42");
            var second = await enrolments.OpenAsync(id, moduleId, "commerce", "commande-42");
            Assert.Equal(first.Id, second.Id);
            return first;
        });
        Assert.Equal("commerce", opened.Source);
        Assert.Contains("Module payant", await learner.GetStringAsync("/mes-formations"));
    }
}
