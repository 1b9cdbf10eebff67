using Formation.Commerce.Data;
using Microsoft.Extensions.Configuration;
using Stripe;
using Stripe.Checkout;

namespace Formation.Commerce.Payments;

/// <summary>
/// <c>Stripe:SecretKey</c>, <c>Stripe:WebhookSecret</c> and <c>Stripe:ApiBase</c> (a Stripe-compatible test server).
/// Without a secret key, card payment is not offered and the invoice path still works.
/// </summary>
public sealed class StripeSettings
{
    public string? SecretKey { get; init; }
    public string? WebhookSecret { get; init; }
    public string? ApiBase { get; init; }
    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey);

    public static StripeSettings From(IConfiguration configuration) => new()
    {
        SecretKey = configuration["Stripe:SecretKey"],
        WebhookSecret = configuration["Stripe:WebhookSecret"],
        ApiBase = configuration["Stripe:ApiBase"],
    };
}

public sealed record CheckoutStarted(string SessionId, string Url);

/// <summary>The calls Commerce makes to Stripe, through the real Stripe.net client.</summary>
public sealed class StripeGateway(StripeSettings settings, IHttpClientFactory httpClients)
{
    public const string HttpClientName = "stripe";
    public bool IsConfigured => settings.IsConfigured;

    private StripeClient Client()
    {
        if (!settings.IsConfigured) throw new InvalidOperationException("Stripe:SecretKey is not set.");
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.SecretKey,
            ApiBase = string.IsNullOrWhiteSpace(settings.ApiBase) ? null : settings.ApiBase,
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName)),
        });
    }

    /// <summary>A Checkout Session in payment mode (the payment methods, card and SEPA debit, are those switched on in the Stripe account); the idempotency key is derived from the order, so a retry never opens a second session.</summary>
    public async Task<CheckoutStarted> CreateCheckoutAsync(Order order, string successUrl, string cancelUrl, string? email, CancellationToken ct)
    {
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = order.Id.ToString(),
            Metadata = new Dictionary<string, string> { ["order_id"] = order.Id.ToString(), ["tenant"] = order.TenantId },
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string> { ["order_id"] = order.Id.ToString() } },
            CustomerEmail = email,
            Locale = "fr",
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            LineItems = order.Lines.Select(l => new SessionLineItemOptions
            {
                Quantity = l.Quantity,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = "eur",
                    // Unit price including the line's VAT: what the buyer pays per seat.
                    UnitAmount = l.UnitPriceCents + Pricing.Vat(l.UnitPriceCents, l.VatRateBasisPoints),
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = l.ModuleTitle },
                },
            }).ToList(),
        };
        var session = await new SessionService(Client()).CreateAsync(options, new RequestOptions { IdempotencyKey = IdempotencyKey(order) }, ct);
        return new CheckoutStarted(session.Id, session.Url);
    }

    public static string IdempotencyKey(Order order) => $"formation-order-{order.Id:N}-checkout";

    public Task<Session> GetSessionAsync(string sessionId, CancellationToken ct) => new SessionService(Client()).GetAsync(sessionId, null, null, ct);

    /// <summary>Refunds part of a paid order; the key names the refund so that a retried click refunds once.</summary>
    public Task<Refund> RefundAsync(string paymentIntentId, long amountCents, string idempotencyKey, CancellationToken ct) =>
        new RefundService(Client()).CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId, Amount = amountCents }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
}
