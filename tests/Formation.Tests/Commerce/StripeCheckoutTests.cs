using System.Net;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Commerce;

/// <summary>
/// Card and SEPA payment through Stripe Checkout, the real Stripe.net client talking to the local Stripe test server:
/// session with quantity and idempotency key, fulfilment only from the signed webhook, exactly once, in any order.
/// </summary>
[Collection(CommerceCollection.Name), Trait("Category", "Integration")]
public sealed class StripeCheckoutTests(CommerceFixture fixture) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("stripe");
    private FormationFactory Factory => fixture.Factory;
    private StripeTestServer Stripe => fixture.Stripe;

    public Task InitializeAsync() => Factory.RunRecipeAsync(CommerceTestSupport.Recipe(_portal));
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Manager, Guid OrderId, string SessionId)> OrderSeatsAsync(int seats)
    {
        var manager = Factory.ClientFor(_portal.Host);
        await manager.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var (_, checkout) = await CommerceTestSupport.BuySeatsByCardAsync(manager, moduleId, seats);
        var sessionId = checkout.Segments[^1];
        var orderId = Guid.Parse(Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>());
        return (manager, orderId, sessionId);
    }

    [Fact]
    public async Task Checkout_session_carries_quantity_order_id_and_an_idempotency_key_per_order()
    {
        var (manager, orderId, sessionId) = await OrderSeatsAsync(5);
        var request = Stripe.SessionRequests.Last(r => r.Form.GetValueOrDefault("client_reference_id") == orderId.ToString());
        Assert.Equal($"formation-order-{orderId:N}-checkout", request.IdempotencyKey);
        Assert.Equal("5", request.Form["line_items[0][quantity]"]);
        Assert.Equal("8000", request.Form["line_items[0][price_data][unit_amount]"]); // 80 € a seat, VAT-exempt institute
        Assert.Equal(orderId.ToString(), request.Form["metadata[order_id]"]);
        Assert.Equal("payment", request.Form["mode"]);

        // Paying again from the order page reuses the key: Stripe answers the same session.
        var again = await manager.SubmitAsync($"/commandes/{orderId}", new Dictionary<string, string>(), postUrl: $"/commandes/{orderId}?handler=Payer");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.EndsWith("/pay/" + sessionId, again.Headers.Location!.ToString());
        Assert.Equal(2, Stripe.SessionRequests.Count(r => r.IdempotencyKey == request.IdempotencyKey));

        // The success page fulfils nothing: the order still awaits the webhook.
        var success = await manager.GetStringAsync($"/commandes/{orderId}/merci?session_id={sessionId}");
        Assert.Contains("en cours de confirmation", success);
        Assert.Equal(OrderStatus.AwaitingPayment, (await Factory.OrderAsync(_portal, orderId)).Status);
        Assert.Empty(await Factory.SeatsAsync(_portal, orderId));
    }

    [Fact]
    public async Task Signed_webhook_pays_once_replay_changes_nothing_forged_and_stale_get_400()
    {
        var (_, orderId, sessionId) = await OrderSeatsAsync(5);
        Stripe.Complete(sessionId, paid: true);
        var payload = Stripe.Event("checkout.session.completed", sessionId);
        var hook = Factory.ClientFor(_portal.Host);

        var forged = await hook.PostWebhookAsync(payload, StripeTestServer.Sign(payload, secret: "whsec_wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        var stale = await hook.PostWebhookAsync(payload, StripeTestServer.Sign(payload, DateTimeOffset.UtcNow.AddSeconds(-301)));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        var tampered = await hook.PostWebhookAsync(payload.Replace("\"livemode\":false", "\"livemode\":true"), StripeTestServer.Sign(payload));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal(OrderStatus.AwaitingPayment, (await Factory.OrderAsync(_portal, orderId)).Status);

        var signature = StripeTestServer.Sign(payload);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(payload, signature)).StatusCode);
        var paid = await Factory.OrderAsync(_portal, orderId);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.StartsWith("pi_test_", paid.StripePaymentIntentId);
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(5, seats.Count);
        Assert.All(seats, s => Assert.Equal(SeatState.Available, s.State));

        // The same event again, even re-signed later: acknowledged, nothing changes.
        var replay = await hook.PostWebhookAsync(payload, StripeTestServer.Sign(payload));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var after = await Factory.OrderAsync(_portal, orderId);
        Assert.Equal(paid.Revision, after.Revision);
        Assert.Equal(5, (await Factory.SeatsAsync(_portal, orderId)).Count);
        Assert.Equal(1, await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<CommerceDbContext>().Pools.CountAsync(p => p.OrderId == orderId)));

        // Types we do not use: 2xx, ignored.
        var unknown = Stripe.Event("customer.created", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(unknown, StripeTestServer.Sign(unknown))).StatusCode);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once()
    {
        var (_, orderId, sessionId) = await OrderSeatsAsync(3);
        Stripe.Complete(sessionId, paid: true);
        var payload = Stripe.Event("checkout.session.completed", sessionId);
        var signature = StripeTestServer.Sign(payload);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Factory.ClientFor(_portal.Host).PostWebhookAsync(payload, signature)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, (await Factory.SeatsAsync(_portal, orderId)).Count);
        Assert.Equal(1, await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<Formation.Shell.Events.ShellDbContext>().Outbox
            .CountAsync(m => m.Type.StartsWith("Formation.Commerce.OrderPaid") && m.Payload.Contains(orderId.ToString()))));
    }

    [Fact]
    public async Task Sepa_success_arriving_before_completion_pays_once_and_later_events_never_move_the_order_back()
    {
        var (_, orderId, sessionId) = await OrderSeatsAsync(2);
        var hook = Factory.ClientFor(_portal.Host);
        // SEPA: completed while the debit is pending, then settled. Delivered out of order.
        Stripe.Complete(sessionId, paid: false);
        var completed = Stripe.Event("checkout.session.completed", sessionId);
        Stripe.SettleAsync(sessionId, succeeded: true);
        var succeeded = Stripe.Event("checkout.session.async_payment_succeeded", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(succeeded, StripeTestServer.Sign(succeeded))).StatusCode);
        Assert.Equal(OrderStatus.Paid, (await Factory.OrderAsync(_portal, orderId)).Status);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(completed, StripeTestServer.Sign(completed))).StatusCode);
        var failedLate = Stripe.Event("checkout.session.async_payment_failed", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(failedLate, StripeTestServer.Sign(failedLate))).StatusCode);
        Stripe.Expire(sessionId);
        var expired = Stripe.Event("checkout.session.expired", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(expired, StripeTestServer.Sign(expired))).StatusCode);
        Assert.Equal(OrderStatus.Paid, (await Factory.OrderAsync(_portal, orderId)).Status);
        Assert.Equal(2, (await Factory.SeatsAsync(_portal, orderId)).Count);
    }

    [Fact]
    public async Task Sepa_failure_cancels_the_order_and_opens_nothing()
    {
        var (manager, orderId, sessionId) = await OrderSeatsAsync(2);
        var hook = Factory.ClientFor(_portal.Host);
        Stripe.Complete(sessionId, paid: false);
        var completed = Stripe.Event("checkout.session.completed", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(completed, StripeTestServer.Sign(completed))).StatusCode);
        Assert.Equal(OrderStatus.AwaitingPayment, (await Factory.OrderAsync(_portal, orderId)).Status);
        var failed = Stripe.Event("checkout.session.async_payment_failed", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await hook.PostWebhookAsync(failed, StripeTestServer.Sign(failed))).StatusCode);
        Assert.Equal(OrderStatus.Cancelled, (await Factory.OrderAsync(_portal, orderId)).Status);
        Assert.Empty(await Factory.SeatsAsync(_portal, orderId));
        Assert.Contains("Annulée", await manager.GetStringAsync($"/commandes/{orderId}"));
    }

    [Fact]
    public async Task Vat_follows_the_selling_institute_and_prices_follow_the_buyer_type()
    {
        var exemptModule = await Factory.ModuleIdAsync(_portal, "module-payant");
        var taxedModule = await Factory.ModuleIdAsync(_portal, "module-tva");
        var (exempt, taxed, individual, licence) = await Factory.InPortalAsync(_portal, async sp =>
        {
            var orders = sp.GetRequiredService<Orders>();
            async Task<Order> As(string role, Guid module, int quantity)
            {
                var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>();
                var user = await users.FindByEmailAsync(_portal.Email(role));
                var principal = await sp.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<Formation.Identity.Data.FormationUser>>().CreateAsync(user!);
                return await orders.PlaceAsync(principal, new PlaceOrder(module, quantity, PaymentMethod.Card), default);
            }
            return (await As("employer-manager", exemptModule, 3), await As("employer-manager", taxedModule, 3), await As("learner", taxedModule, 7), await As("institute-publisher", exemptModule, 1));
        });
        Assert.Equal(24_000, exempt.NetCents);
        Assert.Equal(0, exempt.VatCents);
        Assert.True(exempt.Lines[0].VatExempt);
        Assert.Equal(3 * 4_050, taxed.NetCents);
        Assert.Equal(3 * 810, taxed.VatCents); // 20 % of 40,50 € = 8,10 € a seat
        Assert.Equal(taxed.NetCents + taxed.VatCents, taxed.TotalCents);
        Assert.Equal(1, individual.Lines[0].Quantity); // an individual buys one, whatever is asked
        Assert.Equal(5_000, individual.Lines[0].UnitPriceCents);
        Assert.Equal(BuyerKind.Institute, licence.BuyerKind);
        Assert.Equal(50_000, licence.NetCents);
    }

    [Fact]
    public async Task Partial_refund_goes_through_Stripe_and_releases_only_unassigned_seats()
    {
        var (_, orderId, sessionId) = await OrderSeatsAsync(5);
        Stripe.Complete(sessionId, paid: true);
        var payload = Stripe.Event("checkout.session.completed", sessionId);
        await Factory.ClientFor(_portal.Host).PostWebhookAsync(payload, StripeTestServer.Sign(payload));
        var poolId = await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<CommerceDbContext>().Pools.Where(p => p.OrderId == orderId).Select(p => p.Id).SingleAsync());
        var employerId = await Factory.InPortalAsync(_portal, async sp => (await sp.GetRequiredService<CommerceDbContext>().Orders.SingleAsync(o => o.Id == orderId)).BuyerOrganisationId!.Value);
        for (var i = 1; i <= 3; i++)
            await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, CommerceTestSupport.Employee(_portal, i), null, "http://x/invitation", default));

        var admin = Factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        var order = await Factory.OrderAsync(_portal, orderId);
        var refund = await admin.SubmitAsync($"/admin/commandes/{orderId}", new Dictionary<string, string> { ["Quantity"] = "2" }, postUrl: $"/admin/commandes/{orderId}?handler=Rembourser&lineId={order.Lines[0].Id}");
        Assert.Equal(HttpStatusCode.Redirect, refund.StatusCode);

        var stripeRefund = Stripe.RefundRequests.Last();
        Assert.Equal("16000", stripeRefund.Form["amount"]);
        Assert.Equal(order.StripePaymentIntentId, stripeRefund.Form["payment_intent"]);
        Assert.NotNull(stripeRefund.IdempotencyKey);
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(2, seats.Count(s => s.State == SeatState.Released));
        Assert.Equal(3, seats.Count(s => s.State == SeatState.Assigned));
        var refunded = await Factory.OrderAsync(_portal, orderId);
        Assert.Equal(OrderStatus.PartiallyRefunded, refunded.Status);
        Assert.Equal(16_000, refunded.RefundedCents);
    }

    [Fact]
    public async Task Without_a_Stripe_key_the_card_option_is_hidden_and_the_webhook_is_absent()
    {
        await using var factory = new FormationFactory();
        var portal = new TestPortal("sanscle");
        await factory.RunRecipeAsync(CommerceTestSupport.Recipe(portal, employees: 0));
        var manager = factory.ClientFor(portal.Host);
        await manager.LogInAsync(portal.Email("employer-manager"), TestPortal.Password);
        var moduleId = await factory.ModuleIdAsync(portal, "module-payant");
        var page = await manager.GetStringAsync($"/commande/nouvelle/{moduleId}");
        Assert.DoesNotContain("paiement-carte", page);
        Assert.Contains("paiement-facture", page);
        var card = await manager.SubmitAsync($"/commande/nouvelle/{moduleId}", new Dictionary<string, string> { ["Quantity"] = "2", ["Method"] = "Card" });
        Assert.Contains("Le paiement par carte n&#x27;est pas disponible", await card.Content.ReadAsStringAsync());
        var invoice = await CommerceTestSupport.BuyByInvoiceAsync(manager, moduleId, 2, agreement: false);
        Assert.NotEqual(Guid.Empty, invoice);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor(portal.Host).PostWebhookAsync("{}", "t=1,v1=00")).StatusCode);
    }
}
