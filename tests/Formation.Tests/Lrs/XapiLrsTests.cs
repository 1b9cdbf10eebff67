using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Formation.Shell.Events;
using Formation.Shell.Recipes;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Formation.Tests.Lrs;

/// <summary>A portal with the LRS on and clients of every useful scope, made through the recipe steps.</summary>
public sealed class LrsPortal
{
    public TestPortal Portal { get; }
    public LrsPortal(string prefix) => Portal = new TestPortal(prefix);

    public RecipeDocument Recipe()
    {
        var recipe = Portal.Recipe(features: ["Lrs"]);
        var clients = new[]
        {
            new { name = "Tout", key = "all-" + Portal.Id, secret = "secret-all-0001", scopes = new[] { "all" } },
            new { name = "Lecture", key = "read-" + Portal.Id, secret = "secret-read-0001", scopes = new[] { "statements/read" } },
            new { name = "Écriture", key = "write-" + Portal.Id, secret = "secret-write-001", scopes = new[] { "statements/write" } },
        };
        recipe.Steps.Add(TestPortal.Step(new { name = "lrs-clients", tenant = Portal.Id, clients }));
        return recipe;
    }

    public HttpClient Client(FormationFactory factory, string scope = "all", string? version = "2.0.0")
    {
        var client = factory.ClientFor(Portal.Host);
        var (key, secret) = scope switch
        {
            "read" => ("read-" + Portal.Id, "secret-read-0001"),
            "write" => ("write-" + Portal.Id, "secret-write-001"),
            _ => ("all-" + Portal.Id, "secret-all-0001"),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{secret}")));
        if (version is not null) client.DefaultRequestHeaders.Add("X-Experience-API-Version", version);
        return client;
    }
}

internal static class Xapi
{
    public static JsonObject Statement(string verb = "completed", string activity = "http://formation.test/activites/a", string email = "apprenant@formation.test", Guid? id = null, Guid? registration = null)
    {
        var statement = new JsonObject
        {
            ["actor"] = new JsonObject { ["objectType"] = "Agent", ["name"] = "Apprenant", ["mbox"] = "mailto:" + email },
            ["verb"] = new JsonObject { ["id"] = "http://adlnet.gov/expapi/verbs/" + verb, ["display"] = new JsonObject { ["fr-FR"] = verb, ["en-US"] = verb } },
            ["object"] = new JsonObject { ["objectType"] = "Activity", ["id"] = activity },
        };
        if (id is not null) statement["id"] = id.ToString();
        if (registration is not null) statement["context"] = new JsonObject { ["registration"] = registration.ToString() };
        return statement;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}

[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class XapiLrsStatementTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly LrsPortal _a = new("lrs-a");
    private readonly LrsPortal _b = new("lrs-b");

    public async Task InitializeAsync()
    {
        await factory.RunRecipeAsync(_a.Recipe());
        await factory.RunRecipeAsync(_b.Recipe());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Content_of_another_origin_may_call_the_LRS_without_credentials_of_the_portal()
    {
        var anonymous = factory.ClientFor(_a.Portal.Host);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/xapi/statements")
        {
            Headers = { { "Origin", "null" }, { "Access-Control-Request-Method", "PUT" }, { "Access-Control-Request-Headers", "authorization,content-type,x-experience-api-version" } },
        };
        var answer = await anonymous.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));

        var client = _a.Client(factory);
        client.DefaultRequestHeaders.Add("Origin", "https://contenu.example");
        var read = await client.GetAsync("/xapi/statements?limit=1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("*", read.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Statements_round_trip_with_lrs_set_properties_and_headers()
    {
        var client = _a.Client(factory);
        var id = Guid.NewGuid();
        var put = await client.PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement()));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var post = await client.PostAsync("/xapi/statements", Xapi.Json(new JsonArray(Xapi.Statement("attempted"), Xapi.Statement("passed"))));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var ids = (await Xapi.ReadAsync(post)).AsArray();
        Assert.Equal(2, ids.Count);

        var get = await client.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("2.0.0", get.Headers.GetValues("X-Experience-API-Version").Single());
        Assert.True(get.Headers.Contains("X-Experience-API-Consistent-Through"));
        Assert.NotNull(get.Headers.Date);
        var stored = (await Xapi.ReadAsync(get)).AsObject();
        Assert.Equal(id.ToString(), stored["id"]!.GetValue<string>());
        Assert.NotNull(stored["stored"]);
        Assert.Equal("all-" + _a.Portal.Id, stored["authority"]!["account"]!["name"]!.GetValue<string>());
        Assert.Equal("2.0.0", stored["version"]!.GetValue<string>());
        Assert.Equal(stored["stored"]!.GetValue<string>(), stored["timestamp"]!.GetValue<string>());

        var ids2 = await client.GetAsync($"/xapi/statements?statementId={id}&format=ids");
        var compact = (await Xapi.ReadAsync(ids2)).AsObject();
        Assert.Null(compact["verb"]!["display"]);
        Assert.Null(compact["actor"]!["name"]);

        var canonical = new HttpRequestMessage(HttpMethod.Get, $"/xapi/statements?statementId={id}&format=canonical");
        canonical.Headers.AcceptLanguage.ParseAdd("fr-FR");
        var display = (await Xapi.ReadAsync(await client.SendAsync(canonical)))["verb"]!["display"]!.AsObject();
        Assert.Equal(["fr-FR"], display.Select(p => p.Key));
    }

    [Fact]
    public async Task Same_id_with_different_content_is_a_conflict_and_the_same_content_is_accepted()
    {
        var client = _a.Client(factory);
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement()))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement()))).StatusCode);
        var conflict = await client.PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement("failed")));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("failed", id: id)))).StatusCode);
        var kept = await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?statementId={id}"));
        Assert.EndsWith("/completed", kept["verb"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_statements_are_refused()
    {
        var client = _a.Client(factory);
        var twoIds = Xapi.Statement();
        twoIds["actor"]!["openid"] = "http://openid.test/a";
        var wrongCase = Xapi.Statement();
        wrongCase["Verb"] = wrongCase["verb"]!.DeepClone();
        wrongCase.Remove("verb");
        var nullValue = Xapi.Statement();
        nullValue["result"] = new JsonObject { ["success"] = null };
        var badScore = Xapi.Statement();
        badScore["result"] = new JsonObject { ["score"] = new JsonObject { ["scaled"] = 1.5 } };
        var badLanguage = Xapi.Statement();
        badLanguage["verb"]!["display"] = new JsonObject { ["not a tag"] = "x" };
        var badIri = Xapi.Statement(activity: "pas-une-iri");
        var badDuration = Xapi.Statement();
        badDuration["result"] = new JsonObject { ["duration"] = "PT1H2" };
        foreach (var statement in new[] { twoIds, wrongCase, nullValue, badScore, badLanguage, badIri, badDuration })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/xapi/statements", Xapi.Json(statement))).StatusCode);
    }

    [Fact]
    public async Task Voided_statements_are_only_found_by_voidedStatementId()
    {
        var client = _a.Client(factory);
        var target = Guid.NewGuid();
        await client.PutAsync($"/xapi/statements?statementId={target}", Xapi.Json(Xapi.Statement()));
        var voiding = Xapi.Statement("voided");
        voiding["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = target.ToString() };
        var post = await client.PostAsync("/xapi/statements", Xapi.Json(voiding));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var voidingId = (await Xapi.ReadAsync(post))[0]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/xapi/statements?statementId={target}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/xapi/statements?voidedStatementId={target}")).StatusCode);

        var voidTheVoiding = Xapi.Statement("voided");
        voidTheVoiding["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = voidingId };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/xapi/statements", Xapi.Json(voidTheVoiding))).StatusCode);
        var notVoidingRef = Xapi.Statement("voided");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/xapi/statements", Xapi.Json(notVoidingRef))).StatusCode);
    }

    [Fact]
    public async Task Queries_filter_by_verb_activity_agent_and_registration_and_page_with_more()
    {
        var client = _a.Client(factory);
        var activity = $"http://formation.test/activites/{Guid.NewGuid():N}";
        var registration = Guid.NewGuid();
        var batch = new JsonArray();
        for (var i = 0; i < 5; i++) batch.Add(Xapi.Statement("experienced", activity, registration: registration));
        batch.Add(Xapi.Statement("completed", activity, email: "autre@formation.test"));
        batch.Add(Xapi.Statement("experienced", activity + "/autre"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/xapi/statements", Xapi.Json(batch))).StatusCode);

        var verb = Uri.EscapeDataString("http://adlnet.gov/expapi/verbs/experienced");
        var act = Uri.EscapeDataString(activity);
        var first = (await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?verb={verb}&activity={act}&limit=2"))).AsObject();
        Assert.Equal(2, first["statements"]!.AsArray().Count);
        var more = first["more"]!.GetValue<string>();
        Assert.StartsWith("/", more);
        var seen = first["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        while (more.Length > 0)
        {
            var page = (await Xapi.ReadAsync(await client.GetAsync(more))).AsObject();
            seen.AddRange(page["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
            more = page["more"]!.GetValue<string>();
        }
        Assert.Equal(5, seen.Distinct().Count());

        var agent = Uri.EscapeDataString("""{"mbox":"mailto:autre@formation.test"}""");
        var byAgent = (await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?agent={agent}&activity={act}")))["statements"]!.AsArray();
        Assert.Single(byAgent);
        var byRegistration = (await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?registration={registration}")))["statements"]!.AsArray();
        Assert.Equal(5, byRegistration.Count);
        var related = (await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?activity={act}&related_activities=true&verb={verb}")))["statements"]!.AsArray();
        Assert.Equal(5, related.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/xapi/statements?unknown=1")).StatusCode);
    }

    [Fact]
    public async Task Credentials_and_scopes_are_enforced()
    {
        var anonymous = factory.ClientFor(_a.Portal.Host);
        anonymous.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/xapi/statements")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"all-{_a.Portal.Id}:mauvais-secret")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/xapi/statements")).StatusCode);

        var reader = _a.Client(factory, "read");
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/xapi/statements")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/xapi/activities/state?activityId=http://a.test/x&agent=" + Uri.EscapeDataString("""{"mbox":"mailto:a@a.test"}"""))).StatusCode);
        var writer = _a.Client(factory, "write");
        Assert.Equal(HttpStatusCode.OK, (await writer.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.GetAsync("/xapi/statements")).StatusCode);
    }

    [Fact]
    public async Task A_portal_credentials_never_reach_another_portal_statements()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _a.Client(factory).PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement()))).StatusCode);

        var b = _b.Client(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/xapi/statements?statementId={id}")).StatusCode);
        var all = (await Xapi.ReadAsync(await b.GetAsync("/xapi/statements")))["statements"]!.AsArray();
        Assert.DoesNotContain(all, s => s!["id"]!.GetValue<string>() == id.ToString());
        // Same id on the other portal is another statement, not a conflict.
        Assert.Equal(HttpStatusCode.NoContent, (await b.PutAsync($"/xapi/statements?statementId={id}", Xapi.Json(Xapi.Statement("failed")))).StatusCode);

        // Portal A's key sent to portal B's address is unknown there.
        var crossed = factory.ClientFor(_b.Portal.Host);
        crossed.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        crossed.DefaultRequestHeaders.Authorization = _a.Client(factory).DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.Unauthorized, (await crossed.GetAsync($"/xapi/statements?statementId={id}")).StatusCode);
    }

    [Fact]
    public async Task The_version_header_is_required_except_on_about()
    {
        var client = _a.Client(factory, version: null);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/xapi/statements")).StatusCode);
        var about = await client.GetAsync("/xapi/about");
        Assert.Equal(HttpStatusCode.OK, about.StatusCode);
        Assert.Contains("1.0.3", (await Xapi.ReadAsync(about))["version"]!.AsArray().Select(v => v!.GetValue<string>()));
        var old = _a.Client(factory, version: "1.0.3");
        var response = await old.GetAsync("/xapi/statements");
        Assert.Equal("1.0.3", response.Headers.GetValues("X-Experience-API-Version").Single());
        Assert.Equal(HttpStatusCode.BadRequest, (await _a.Client(factory, version: "0.9").GetAsync("/xapi/statements")).StatusCode);

        // The alternate request syntax is 1.0.3 only.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["X-Experience-API-Version"] = "1.0.3",
            ["Authorization"] = old.DefaultRequestHeaders.Authorization!.ToString(),
        });
        var plain = factory.ClientFor(_a.Portal.Host);
        Assert.Equal(HttpStatusCode.OK, (await plain.PostAsync("/xapi/statements?method=GET", form)).StatusCode);
        var form2 = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["X-Experience-API-Version"] = "2.0.0",
            ["Authorization"] = old.DefaultRequestHeaders.Authorization!.ToString(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, (await plain.PostAsync("/xapi/statements?method=GET", form2)).StatusCode);
    }

    [Fact]
    public async Task Attachments_travel_in_multipart_and_come_back_with_attachments_true()
    {
        var client = _a.Client(factory);
        var content = Encoding.UTF8.GetBytes("Attestation de présence — " + Guid.NewGuid());
        var sha2 = Convert.ToHexStringLower(SHA256.HashData(content));
        var statement = Xapi.Statement();
        statement["attachments"] = new JsonArray(new JsonObject
        {
            ["usageType"] = "http://formation.test/attachments/attestation",
            ["display"] = new JsonObject { ["fr-FR"] = "Attestation" },
            ["contentType"] = "text/plain",
            ["length"] = content.Length,
            ["sha2"] = sha2,
        });

        // Declared without its part: refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/xapi/statements", Xapi.Json(statement))).StatusCode);

        var multipart = new MultipartContent("mixed");
        multipart.Add(Xapi.Json(statement));
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        part.Headers.Add("X-Experience-API-Hash", sha2);
        part.Headers.Add("Content-Transfer-Encoding", "binary");
        multipart.Add(part);
        var post = await client.PostAsync("/xapi/statements", multipart);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var id = (await Xapi.ReadAsync(post))[0]!.GetValue<string>();

        var get = await client.GetAsync($"/xapi/statements?statementId={id}&attachments=true");
        Assert.Equal("multipart/mixed", get.Content.Headers.ContentType!.MediaType);
        var body = await get.Content.ReadAsByteArrayAsync();
        Assert.True(body.AsSpan().IndexOf(content) >= 0);
        Assert.Contains("X-Experience-API-Hash: " + sha2, Encoding.UTF8.GetString(body));

        // A part whose bytes do not match its hash is refused.
        var tampered = new MultipartContent("mixed");
        tampered.Add(Xapi.Json(Xapi.Statement()));
        var wrong = new ByteArrayContent(content);
        wrong.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        wrong.Headers.Add("X-Experience-API-Hash", Convert.ToHexStringLower(SHA256.HashData("autre"u8.ToArray())));
        wrong.Headers.Add("Content-Transfer-Encoding", "binary");
        tampered.Add(wrong);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/xapi/statements", tampered)).StatusCode);
    }

    [Fact]
    public async Task Documents_use_etags_for_concurrency_and_merge_json_on_post()
    {
        var client = _a.Client(factory);
        var agent = Uri.EscapeDataString("""{"objectType":"Agent","mbox":"mailto:doc@formation.test"}""");
        var url = $"/xapi/activities/state?activityId={Uri.EscapeDataString("http://formation.test/activites/doc")}&agent={agent}&stateId=progression";
        var create = new HttpRequestMessage(HttpMethod.Put, url) { Content = Xapi.Json(new JsonObject { ["page"] = 1 }) };
        create.Headers.IfNoneMatch.ParseAdd("*");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(create)).StatusCode);

        var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.Tag;
        Assert.NotNull(get.Content.Headers.LastModified);

        var again = new HttpRequestMessage(HttpMethod.Put, url) { Content = Xapi.Json(new JsonObject { ["page"] = 2 }) };
        again.Headers.IfNoneMatch.ParseAdd("*");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PutAsync(url, Xapi.Json(new JsonObject { ["page"] = 2 }))).StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = Xapi.Json(new JsonObject { ["page"] = 2 }) };
        stale.Headers.IfMatch.ParseAdd("\"0000\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);

        var merge = new HttpRequestMessage(HttpMethod.Post, url) { Content = Xapi.Json(new JsonObject { ["score"] = 80 }) };
        merge.Headers.IfMatch.ParseAdd(etag);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(merge)).StatusCode);
        var merged = (await Xapi.ReadAsync(await client.GetAsync(url))).AsObject();
        Assert.Equal(1, merged["page"]!.GetValue<int>());
        Assert.Equal(80, merged["score"]!.GetValue<int>());

        var text = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("texte", Encoding.UTF8, "text/plain") };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(text)).StatusCode);

        var ids = (await Xapi.ReadAsync(await client.GetAsync(url.Replace("&stateId=progression", "")))).AsArray();
        Assert.Equal(["progression"], ids.Select(i => i!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);

        // Another portal does not see the documents of this one.
        var profileUrl = $"/xapi/agents/profile?agent={agent}&profileId=preferences";
        var profile = new HttpRequestMessage(HttpMethod.Put, profileUrl) { Content = Xapi.Json(new JsonObject { ["langue"] = "fr" }) };
        profile.Headers.IfNoneMatch.ParseAdd("*");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(profile)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.Client(factory).GetAsync(profileUrl)).StatusCode);
    }

    [Fact]
    public async Task Platform_statements_are_stored_through_the_contract_and_read_per_registration_with_their_event()
    {
        var registration = Guid.NewGuid();
        var statement = Xapi.Statement("launched", registration: registration);
        statement["context"]!["extensions"] = new JsonObject { ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] = "session-1" };
        var id = await factory.InTenantAsync(_a.Portal.Id, sp => sp.GetRequiredService<ILrsStatementWriter>().StoreAsync(statement));
        await factory.InTenantAsync(_a.Portal.Id, sp => sp.GetRequiredService<ILrsStatementWriter>().StoreAsync(Xapi.Statement("completed")));
        await Assert.ThrowsAsync<LrsValidationException>(() =>
            factory.InTenantAsync(_a.Portal.Id, sp => sp.GetRequiredService<ILrsStatementWriter>().StoreAsync(new JsonObject { ["actor"] = "x" })));

        var summaries = await factory.InTenantAsync(_a.Portal.Id, sp => sp.GetRequiredService<ILrsStatementReader>().ForRegistrationAsync(registration));
        var summary = Assert.Single(summaries);
        Assert.Equal(id, summary.Id);
        Assert.Equal("session-1", summary.SessionId);
        Assert.Equal("Formation LMS", JsonNode.Parse(summary.Json)!["authority"]!["name"]!.GetValue<string>());
        Assert.Empty(await factory.InTenantAsync(_b.Portal.Id, sp => sp.GetRequiredService<ILrsStatementReader>().ForRegistrationAsync(registration)));

        var events = await factory.InTenantAsync(_a.Portal.Id, async sp =>
            await sp.GetRequiredService<ShellDbContext>().Outbox.AsNoTracking()
                .Where(m => m.Type.Contains(nameof(LrsStatementStored)) && m.Payload.Contains(id.ToString())).ToListAsync());
        Assert.Single(events);
        Assert.Contains(registration.ToString(), events[0].Payload);

        // Documents through the contract.
        var agent = (JsonObject)statement["actor"]!.DeepClone();
        await factory.InTenantAsync(_a.Portal.Id, async sp =>
        {
            await sp.GetRequiredService<ILrsDocuments>().PutStateAsync("http://formation.test/au/1", agent, registration, "LMS.LaunchData", "application/json", "{\"launchMode\":\"Normal\"}"u8.ToArray());
            return 0;
        });
        var launchData = await factory.InTenantAsync(_a.Portal.Id, sp => sp.GetRequiredService<ILrsDocuments>().GetStateAsync("http://formation.test/au/1", agent, registration, "LMS.LaunchData"));
        Assert.Equal("{\"launchMode\":\"Normal\"}", Encoding.UTF8.GetString(launchData!));
    }
}

/// <summary>A rule of the kind the LMS plugs in: refuses a verb the AU may not send.</summary>
internal sealed class RefuseWaivedPolicy : ILrsSessionStatementPolicy
{
    public Task<string?> CheckAsync(LrsSessionGrant session, JsonObject statement, CancellationToken ct = default) =>
        Task.FromResult(statement["verb"]?["id"]?.GetValue<string>() == "http://adlnet.gov/expapi/verbs/waived"
            ? "Le contenu ne peut pas déclarer « waived »." : null);
}

[Trait("Category", "Integration")]
public sealed class XapiLrsSessionTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FormationFactory _factory;

    public XapiLrsSessionTokenTests() => _factory = new FormationFactory
    {
        TestServices = s =>
        {
            s.AddScoped<ILrsSessionStatementPolicy, RefuseWaivedPolicy>();
            s.AddSingleton<TimeProvider>(_time);
        },
    };
    private readonly LrsPortal _portal = new("lrs-session");

    public Task InitializeAsync() => _factory.RunRecipeAsync(_portal.Recipe());
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Session_tokens_are_scoped_to_actor_and_registration_checked_by_policies_and_revocable()
    {
        var registration = Guid.NewGuid();
        var actor = (JsonObject)Xapi.Statement()["actor"]!.DeepClone();
        var grant = new LrsSessionGrant(actor, registration, "http://formation.test/au/1", "session-1", _time.GetUtcNow().AddHours(1));
        var token = await _factory.InTenantAsync(_portal.Portal.Id, sp => sp.GetRequiredService<ILrsSessionTokens>().IssueAsync(grant));

        var au = _factory.ClientFor(_portal.Portal.Host);
        au.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        au.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);

        Assert.Equal(HttpStatusCode.Forbidden, (await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("initialized", registration: registration)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await au.GetAsync("/xapi/agents/profile?profileId=cmi5LearnerPreferences&agent=" + Uri.EscapeDataString(actor.ToJsonString()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("initialized", registration: registration)))).StatusCode);
        var voiding = Xapi.Statement("voided", registration: registration);
        voiding["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = Guid.NewGuid().ToString() };
        Assert.Equal(HttpStatusCode.Forbidden, (await au.PostAsync("/xapi/statements", Xapi.Json(voiding))).StatusCode);
        var refused = await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("waived", registration: registration)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("waived", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("initialized", email: "autre@formation.test", registration: registration)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("initialized", registration: Guid.NewGuid())))).StatusCode);

        // The AU reads its own registration's statements and its learner's state, nothing else.
        var mine = (await Xapi.ReadAsync(await au.GetAsync("/xapi/statements")))["statements"]!.AsArray();
        Assert.Single(mine);
        var otherAgent = Uri.EscapeDataString("""{"mbox":"mailto:autre@formation.test"}""");
        Assert.Equal(HttpStatusCode.Forbidden, (await au.GetAsync($"/xapi/activities/state?activityId=http://formation.test/au/1&agent={otherAgent}")).StatusCode);
        // The LMS's launch data is read-only for the AU (and a delete of every state would take it too).
        var ownAgent = Uri.EscapeDataString(actor.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, (await au.PutAsync($"/xapi/activities/state?stateId=LMS.LaunchData&activityId=http://formation.test/au/1&agent={ownAgent}&registration={registration}", Xapi.Json(new JsonObject { ["test"] = true }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await au.DeleteAsync($"/xapi/activities/state?stateId=LMS.LaunchData&activityId=http://formation.test/au/1&agent={ownAgent}&registration={registration}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await au.DeleteAsync($"/xapi/activities/state?activityId=http://formation.test/au/1&agent={ownAgent}&registration={registration}")).StatusCode);

        await _factory.InTenantAsync(_portal.Portal.Id, async sp => { await sp.GetRequiredService<ILrsSessionTokens>().RevokeAsync(token); return 0; });
        Assert.Equal(HttpStatusCode.Unauthorized, (await au.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement("terminated", registration: registration)))).StatusCode);

        var expired = await _factory.InTenantAsync(_portal.Portal.Id, sp => sp.GetRequiredService<ILrsSessionTokens>().IssueAsync(grant with { ExpiresAt = _time.GetUtcNow().AddMinutes(5) }));
        var early = _factory.ClientFor(_portal.Portal.Host);
        early.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        early.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", expired);
        Assert.Equal(HttpStatusCode.OK, (await early.GetAsync("/xapi/statements")).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(6));
        var late = _factory.ClientFor(_portal.Portal.Host);
        late.DefaultRequestHeaders.Add("X-Experience-API-Version", "2.0.0");
        late.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", expired);
        Assert.Equal(HttpStatusCode.Unauthorized, (await late.GetAsync("/xapi/statements")).StatusCode);
    }

    [Fact]
    public async Task An_AU_writes_only_valid_learner_preferences_of_its_own_learner()
    {
        var actor = (JsonObject)Xapi.Statement()["actor"]!.DeepClone();
        var grant = new LrsSessionGrant(actor, Guid.NewGuid(), "http://formation.test/au/1", "session-2", _time.GetUtcNow().AddHours(1));
        var token = await _factory.InTenantAsync(_portal.Portal.Id, sp => sp.GetRequiredService<ILrsSessionTokens>().IssueAsync(grant));
        var au = _factory.ClientFor(_portal.Portal.Host);
        au.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        au.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        var own = "/xapi/agents/profile?profileId=cmi5LearnerPreferences&agent=" + Uri.EscapeDataString(actor.ToJsonString());
        async Task<HttpStatusCode> PutAsync(string url, string body, string? contentType = "application/json")
        {
            var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
            if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            // A new document: profiles are written with a precondition.
            using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content, Headers = { { "If-None-Match", "*" } } };
            return (await au.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.BadRequest, await PutAsync("/xapi/agents/profile?profileId=cmi5LearnerPreferences", """{"languagePreference":"fr-FR","audioPreference":"on"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync("/xapi/agents/profile?profileId=cmi5LearnerPreferences&agent=" + Uri.EscapeDataString("""{"mbox":"mailto:autre@formation.test"}"""), """{"languagePreference":"fr-FR","audioPreference":"on"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"languagePreference":"fr-FR","audioPreference":"on"}""", contentType: null));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, "juste du texte", "text/plain"));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"audioPreference":"on"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"languagePreference":"fr-FR"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"languagePreference":"pas une liste","audioPreference":"on"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"languagePreference":"","audioPreference":"on"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(own, """{"languagePreference":"fr-FR","audioPreference":"fort"}"""));
        Assert.Equal(HttpStatusCode.NoContent, await PutAsync(own, """{"languagePreference":"fr-FR,en-US","audioPreference":"off"}"""));
        // Other profiles of the learner stay plain xAPI documents.
        Assert.Equal(HttpStatusCode.NoContent, await PutAsync(own.Replace("cmi5LearnerPreferences", "notes"), "juste du texte", "text/plain"));
    }
}
