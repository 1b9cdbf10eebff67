using System.Net;
using System.Text.Json.Nodes;
using Formation.Lrs.Contracts;
using Formation.Lrs.Xapi;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Microsoft.EntityFrameworkCore;
using Formation.Tests.Integration;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Lrs;

/// <summary>
/// Statement requests that reach the ingest queue together are written in one transaction (on PostgreSQL in one round
/// trip, falling back to request by request when a statement is stored already): each request still gets its own answer.
/// </summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class XapiIngestGroupTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly LrsPortal _lrs = new("lrs-group");

    public Task InitializeAsync() => factory.RunRecipeAsync(_lrs.Recipe());
    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Authority() => new()
    {
        ["objectType"] = "Agent",
        ["account"] = new JsonObject { ["homePage"] = "https://lrs-group.test/xapi", ["name"] = "test" },
    };

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer_and_nothing_is_stored_twice()
    {
        var activity = "http://formation.test/activites/groupe-" + Guid.NewGuid().ToString("N");
        var shared = Guid.NewGuid();
        var fresh = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid()).ToList();
        var client = _lrs.Client(factory);

        var posts = new List<Task<HttpResponseMessage>>();
        foreach (var id in fresh) posts.Add(client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(activity: activity, id: id))));
        // The same statement five times (a client retrying): stored once, every copy accepted.
        for (var i = 0; i < 5; i++) posts.Add(client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(activity: activity, id: shared))));
        // One request repeats an id inside itself: refused alone.
        var twice = Guid.NewGuid();
        posts.Add(client.PostAsync("/xapi/statements", Xapi.Json(new JsonArray(Xapi.Statement(activity: activity, id: twice), Xapi.Statement(activity: activity, id: twice)))));
        var answers = await Task.WhenAll(posts);

        Assert.All(answers.Take(29), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, answers[29].StatusCode);
        foreach (var (answer, id) in answers.Take(24).Zip(fresh))
            Assert.Equal(id.ToString(), (await Xapi.ReadAsync(answer))[0]!.GetValue<string>());

        var found = await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?activity={Uri.EscapeDataString(activity)}&limit=100"));
        var ids = found["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(25, ids.Count);
        Assert.Equal(fresh.Select(g => g.ToString()).Append(shared.ToString()).Order(), ids.Order());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/xapi/statements?statementId={twice}")).StatusCode);
    }

    [Fact]
    public async Task The_events_of_a_request_reach_the_outbox_in_the_order_of_its_statements()
    {
        var registration = Guid.NewGuid();
        var ids = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        var verbs = new[] { "launched", "initialized", "progressed", "completed", "passed", "terminated" };
        var body = new JsonArray(ids.Select((id, i) => (JsonNode)Xapi.Statement(verb: verbs[i % verbs.Length], id: id, registration: registration)).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await _lrs.Client(factory).PostAsync("/xapi/statements", Xapi.Json(body))).StatusCode);

        var events = await factory.InTenantAsync(_lrs.Portal.Id, async sp =>
        {
            var type = EventTypes.NameOf(typeof(LrsStatementStored));
            var rows = await sp.GetRequiredService<ShellDbContext>().Outbox.Where(m => m.Type == type && m.Payload.Contains(registration.ToString()))
                .OrderBy(m => m.Id).Select(m => m.Payload).ToListAsync();
            return rows.Select(p => System.Text.Json.JsonSerializer.Deserialize<LrsStatementStored>(p, DomainEvents.Json)!.StatementId).ToList();
        });
        Assert.Equal(ids, events);
    }

    [Fact]
    public async Task A_group_answers_each_request_the_way_it_would_be_answered_alone()
    {
        if (!factory.UsesPostgres) return; // the grouped write is PostgreSQL's; SQLite stores request by request
        var activity = "http://formation.test/activites/groupe-direct-" + Guid.NewGuid().ToString("N");
        var stored = Guid.NewGuid();
        var repeated = Guid.NewGuid();
        var withoutTimestamp = Xapi.Statement(activity: activity, id: repeated);

        // As the ingest queue calls it: no transaction open, the group's one batch commits by itself.
        var results = await factory.InTenantAsync(_lrs.Portal.Id, async sp =>
        {
            var store = sp.GetRequiredService<StatementStore>();
            var group = await store.TryStoreGroupAsync(
            [
                new(new List<JsonObject> { Xapi.Statement(activity: activity, id: stored) }, Authority(), "2.0.0", []),
                new(new List<JsonObject> { withoutTimestamp }, Authority(), "2.0.0", []),
                // The same statement again in the same group: accepted, not written twice.
                new(new List<JsonObject> { Xapi.Statement(activity: activity, id: repeated) }, Authority(), "2.0.0", []),
                // Same id, another content: a conflict for this request only.
                new(new List<JsonObject> { Xapi.Statement(verb: "failed", activity: activity, id: repeated) }, Authority(), "2.0.0", []),
            ], CancellationToken.None);
            return group;
        });

        Assert.NotNull(results);
        Assert.Equal([stored], results![0].Ids!);
        Assert.Equal([repeated], results[1].Ids!);
        Assert.Equal([repeated], results[2].Ids!);
        Assert.Equal(409, Assert.IsType<XapiException>(results[3].Error).Status);
        Assert.True(withoutTimestamp.ContainsKey("timestamp")); // the LRS set it to the stored time

        var client = _lrs.Client(factory);
        var found = await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?activity={Uri.EscapeDataString(activity)}"));
        Assert.Equal(2, found["statements"]!.AsArray().Count);

        // Voiding statements and attachments take the request-by-request path: the group writes nothing.
        var voiding = await factory.InTenantAsync(_lrs.Portal.Id, async sp =>
        {
            var database = sp.GetRequiredService<ShellDatabase>();
            await using var transaction = await database.BeginTransactionAsync();
            var voids = new JsonObject
            {
                ["actor"] = Xapi.Statement()["actor"]!.DeepClone(),
                ["verb"] = new JsonObject { ["id"] = XapiValidator.VoidedVerb },
                ["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = stored.ToString() },
            };
            return await sp.GetRequiredService<StatementStore>().TryStoreGroupAsync(
                [new(new List<JsonObject> { Xapi.Statement(activity: activity) }, Authority(), "2.0.0", []), new(new List<JsonObject> { voids }, Authority(), "2.0.0", [])],
                CancellationToken.None);
        });
        Assert.Null(voiding);

        // A statement stored already breaks the group's insert: nothing of the group is written, and the statements come
        // back as they were sent (no timestamp added), ready for the request-by-request path.
        var fresh = Guid.NewGuid();
        var freshStatement = Xapi.Statement(activity: activity, id: fresh);
        freshStatement.Remove("timestamp");
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => factory.InTenantAsync(_lrs.Portal.Id, sp =>
            sp.GetRequiredService<StatementStore>().TryStoreGroupAsync(
                [new(new List<JsonObject> { freshStatement }, Authority(), "2.0.0", []),
                 new(new List<JsonObject> { Xapi.Statement(activity: activity, id: stored) }, Authority(), "2.0.0", [])],
                CancellationToken.None)));
        Assert.False(freshStatement.ContainsKey("timestamp"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/xapi/statements?statementId={fresh}")).StatusCode);
    }

    [Fact]
    public async Task Requests_that_repeat_or_contradict_a_stored_statement_are_told_apart_when_written_together()
    {
        var activity = "http://formation.test/activites/groupe-repete-" + Guid.NewGuid().ToString("N");
        var stored = Guid.NewGuid();
        var client = _lrs.Client(factory);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(activity: activity, id: stored)))).StatusCode);

        // Sent at once, so that they reach the writer together: one repeats the stored statement (accepted), one gives
        // its id to another content (refused), the others are new.
        var fresh = Enumerable.Range(0, 16).Select(_ => Guid.NewGuid()).ToList();
        var posts = new List<Task<HttpResponseMessage>>
        {
            client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(activity: activity, id: stored))),
            client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(verb: "failed", activity: activity, id: stored))),
        };
        posts.AddRange(fresh.Select(id => client.PostAsync("/xapi/statements", Xapi.Json(Xapi.Statement(activity: activity, id: id)))));
        var answers = await Task.WhenAll(posts);

        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, answers[1].StatusCode);
        Assert.All(answers.Skip(2), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var found = await Xapi.ReadAsync(await client.GetAsync($"/xapi/statements?activity={Uri.EscapeDataString(activity)}&limit=100"));
        var ids = found["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(fresh.Append(stored).Select(g => g.ToString()).Order().ToList(), ids);
    }
}
