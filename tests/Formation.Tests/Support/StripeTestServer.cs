using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.Tests.Support;

/// <summary>
/// A small Stripe-compatible server on loopback for offline tests: the real Stripe.net client talks to it through
/// <c>Stripe:ApiBase</c>. It answers Checkout Session creation (honouring the <c>Idempotency-Key</c> header as Stripe does),
/// session retrieval and refunds, serves a stand-in checkout page, and builds webhook events signed with Stripe.net's helper.
/// </summary>
public sealed class StripeTestServer : IAsyncDisposable
{
    public const string SecretKey = "sk_test_formation_offline";
    public const string WebhookSecret = "whsec_formation_offline_secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _sessions = new();
    private readonly ConcurrentDictionary<string, string> _idempotency = new();
    private int _counter;

    public string BaseUrl { get; }
    /// <summary>Every session-creation request: its idempotency key (null when absent) and form fields.</summary>
    public ConcurrentQueue<(string? IdempotencyKey, Dictionary<string, string> Form)> SessionRequests { get; } = new();
    public ConcurrentQueue<(string? IdempotencyKey, Dictionary<string, string> Form)> RefundRequests { get; } = new();

    private StripeTestServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<StripeTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // Errors come back the way Stripe reports them, so that the client shows their message.
        app.Use(async (http, next) =>
        {
            try { await next(http); }
            catch (Exception ex)
            {
                http.Response.StatusCode = 500;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = ex.ToString() } }.ToJsonString());
            }
        });
        StripeTestServer? server = null;
        // Two parameters, so that these bind as endpoints returning IResult rather than as plain RequestDelegates.
        app.MapPost("/v1/checkout/sessions", (HttpContext http, CancellationToken _) => server!.CreateSessionAsync(http));
        app.MapGet("/v1/checkout/sessions/{id}", (string id, HttpContext http) => server!.GetSession(id, http));
        app.MapPost("/v1/refunds", (HttpContext http, CancellationToken _) => server!.CreateRefundAsync(http));
        app.MapGet("/pay/{id}", (string id) => server!.CheckoutPage(id));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new StripeTestServer(app, address.TrimEnd('/'));
        return server;
    }

    /// <summary>JSON written as text: the slim host's serializer options know no JsonObject.</summary>
    private static IResult Json(JsonNode body, int statusCode = 200) => Results.Content(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, statusCode);

    private static bool Authorised(HttpContext http) => http.Request.Headers.Authorization.ToString() == "Bearer " + SecretKey;

    private static IResult Unauthorised() => Json(new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = "Invalid API Key provided" } }, statusCode: 401);

    private async Task<IResult> CreateSessionAsync(HttpContext http)
    {
        if (!Authorised(http)) return Unauthorised();
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        SessionRequests.Enqueue((key, form));
        if (key is not null && _idempotency.TryGetValue(key, out var existingId)) return Json(_sessions[existingId]);
        var id = $"cs_test_{Interlocked.Increment(ref _counter):D4}{Guid.NewGuid():N}"[..32];
        long total = 0;
        for (var i = 0; form.ContainsKey($"line_items[{i}][quantity]"); i++)
            total += long.Parse(form[$"line_items[{i}][quantity]"]) * long.Parse(form[$"line_items[{i}][price_data][unit_amount]"]);
        var metadata = new JsonObject();
        foreach (var (k, v) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal))) metadata[k[9..^1]] = v;
        var session = new JsonObject
        {
            ["id"] = id, ["object"] = "checkout.session", ["mode"] = "payment", ["status"] = "open", ["payment_status"] = "unpaid",
            ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"), ["metadata"] = metadata, ["amount_total"] = total, ["currency"] = "eur",
            ["success_url"] = form.GetValueOrDefault("success_url"), ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
            ["url"] = $"{BaseUrl}/pay/{id}", ["payment_intent"] = null, ["livemode"] = false, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        _sessions[id] = session;
        if (key is not null) _idempotency[key] = id;
        return Json(session);
    }

    private IResult GetSession(string id, HttpContext http)
    {
        if (!Authorised(http)) return Unauthorised();
        return _sessions.TryGetValue(id, out var session) ? Json(session)
            : Json(new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = "No such checkout.session" } }, statusCode: 404);
    }

    private async Task<IResult> CreateRefundAsync(HttpContext http)
    {
        if (!Authorised(http)) return Unauthorised();
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        RefundRequests.Enqueue((http.Request.Headers["Idempotency-Key"].FirstOrDefault(), form));
        return Json(new JsonObject
        {
            ["id"] = "re_test_" + Guid.NewGuid().ToString("N")[..16], ["object"] = "refund", ["amount"] = long.Parse(form["amount"]),
            ["currency"] = "eur", ["payment_intent"] = form.GetValueOrDefault("payment_intent"), ["status"] = "succeeded",
        });
    }

    /// <summary>The stand-in for Stripe's hosted page: a "pay" link back to the success URL and a cancel link.</summary>
    private IResult CheckoutPage(string id)
    {
        if (!_sessions.TryGetValue(id, out var session)) return Results.NotFound();
        var success = WebUtility.HtmlEncode(session["success_url"]!.GetValue<string>().Replace("{CHECKOUT_SESSION_ID}", id));
        var cancel = WebUtility.HtmlEncode(session["cancel_url"]!.GetValue<string>());
        return Results.Content($"<!doctype html><html lang=\"fr\"><head><title>Paiement de test</title></head><body><main><h1>Paiement de test</h1><p>Montant : {session["amount_total"]} centimes</p><a id=\"payer\" href=\"{success}\">Payer</a> <a id=\"annuler\" href=\"{cancel}\">Annuler</a></main></body></html>", "text/html");
    }

    public JsonObject Session(string id) => _sessions[id];

    public string LastSessionId => SessionRequests.Count == 0 ? throw new InvalidOperationException("No session created") : _sessions.Values.OrderBy(s => s["created"]!.GetValue<long>()).ThenBy(s => s["id"]!.GetValue<string>()).Last()["id"]!.GetValue<string>();

    /// <summary>The session of an order (its client reference).</summary>
    public string SessionOf(Guid orderId) => _sessions.Values.Single(s => s["client_reference_id"]?.GetValue<string>() == orderId.ToString())["id"]!.GetValue<string>();

    /// <summary>Stripe's side of a payment: the session becomes complete and paid (card) or complete and unpaid (SEPA pending).</summary>
    public void Complete(string sessionId, bool paid)
    {
        var s = _sessions[sessionId];
        s["status"] = "complete";
        s["payment_status"] = paid ? "paid" : "unpaid";
        s["payment_intent"] = "pi_test_" + sessionId[^12..];
    }

    public void SettleAsync(string sessionId, bool succeeded) => _sessions[sessionId]["payment_status"] = succeeded ? "paid" : "unpaid";

    public void Expire(string sessionId) => _sessions[sessionId]["status"] = "expired";

    /// <summary>A webhook event carrying the session as it is now, in the API version Stripe.net expects.</summary>
    public string Event(string type, string sessionId, string? eventId = null) => new JsonObject
    {
        ["id"] = eventId ?? "evt_test_" + Guid.NewGuid().ToString("N")[..20],
        ["object"] = "event",
        ["api_version"] = global::Stripe.StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = JsonNode.Parse(_sessions[sessionId].ToJsonString()) },
    }.ToJsonString();

    /// <summary>A <c>Stripe-Signature</c> header made by Stripe.net's own helper.</summary>
    public static string Sign(string payload, DateTimeOffset? at = null, string secret = WebhookSecret) =>
        global::Stripe.EventUtility.GenerateSignatureHeader(payload, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());

    public Dictionary<string, string?> Settings() => new()
    {
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = BaseUrl,
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
