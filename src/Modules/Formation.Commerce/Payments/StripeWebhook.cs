using System.Text;
using Formation.Commerce.Data;
using Formation.Shell.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Stripe;
using Stripe.Checkout;

namespace Formation.Commerce.Payments;

/// <summary>
/// <c>POST /stripe/webhook</c>: the only place where a card or SEPA payment is fulfilled. The signature is checked on the raw
/// body (5-minute tolerance); each event id is stored under a unique key in the transaction of its effect, so a replay changes
/// nothing; the session is re-read from Stripe and the order only moves forward, so events may come in any order.
/// </summary>
public sealed class StripeWebhook(CommerceDbContext db, ShellDatabase database, Orders orders, StripeGateway stripe, StripeSettings settings,
    TimeProvider time, ILogger<StripeWebhook> logger)
{
    public const int MaxBodyBytes = 256 * 1024;
    public const long ToleranceSeconds = 300;

    public static readonly IReadOnlySet<string> HandledTypes = new HashSet<string>
    {
        "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed", "checkout.session.expired",
    };

    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.WebhookSecret) || !settings.IsConfigured) return Results.NotFound();
        var json = await ReadBodyAsync(http.Request, ct);
        if (json is null) return Problem(StatusCodes.Status413PayloadTooLarge, "Corps de requête trop volumineux.");
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, http.Request.Headers["Stripe-Signature"].ToString(), settings.WebhookSecret,
                ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (StripeException ex)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", ex.Message);
            return Problem(StatusCodes.Status400BadRequest, "Signature Stripe invalide ou expirée.");
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or System.Text.Json.JsonException or ArgumentException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Événement Stripe illisible.");
        }

        if (!HandledTypes.Contains(stripeEvent.Type)) return Results.Ok(new { received = true, ignored = stripeEvent.Type });
        if (await db.StripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, ct)) return Results.Ok(new { received = true, duplicate = true });
        if (stripeEvent.Data.Object is not Session sent) return Results.Ok(new { received = true, ignored = stripeEvent.Type });
        // The event may be old or out of order: the session as Stripe holds it now decides.
        var session = await stripe.GetSessionAsync(sent.Id, ct);
        var orderId = Guid.TryParse(session.ClientReferenceId, out var id) ? id
            : session.Metadata is not null && session.Metadata.TryGetValue("order_id", out var meta) && Guid.TryParse(meta, out var fromMeta) ? fromMeta : Guid.Empty;

        try
        {
            await database.InTransactionAsync(async () =>
            {
                db.StripeEvents.Add(new StripeEventRecord { Id = stripeEvent.Id, Type = stripeEvent.Type, OrderId = orderId == Guid.Empty ? null : orderId, ReceivedUtc = time.GetUtcNow() });
                await db.SaveChangesAsync(ct);
                var order = orderId == Guid.Empty ? null : await orders.FindAsync(orderId, ct);
                if (order is null || order.PaymentMethod != Data.PaymentMethod.Card) return;
                order.StripeSessionId ??= session.Id;
                if (session.PaymentStatus is "paid" or "no_payment_required")
                    await orders.MarkPaidAsync(order, session.PaymentIntentId ?? session.Id, session.PaymentIntentId, ct);
                else if (stripeEvent.Type == "checkout.session.async_payment_failed" || session.Status == "expired")
                    await orders.CancelAsync(order, ct);
                await db.SaveChangesAsync(ct);
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The same event delivered twice at once: the other delivery applied it.
            if (await IsRecordedAsync(stripeEvent.Id, ct)) return Results.Ok(new { received = true, duplicate = true });
            throw;
        }
        return Results.Ok(new { received = true });
    }

    private async Task<bool> IsRecordedAsync(string eventId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.StripeEvents.AsNoTracking().AnyAsync(e => e.Id == eventId, ct);
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status, title: "Webhook refusé");
}
