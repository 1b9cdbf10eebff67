using System.Net;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Learning.Contracts;
using Formation.Learning.Launch;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Commerce;

/// <summary>Employer volume tiers priced into orders, invoices and Stripe; refunds and reclaims that close the enrolments they paid for.</summary>
[Collection(CommerceCollection.Name), Trait("Category", "Integration")]
public sealed class CommerceTierAndRefundTests(CommerceFixture fixture) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("degressif");
    private FormationFactory Factory => fixture.Factory;
    private StripeTestServer Stripe => fixture.Stripe;

    public async Task InitializeAsync()
    {
        var recipe = CommerceTestSupport.Recipe(_portal);
        recipe = new RecipeDocument
        {
            Name = recipe.Name,
            Steps = [.. recipe.Steps, TestPortal.Step(new
            {
                name = "modules", tenant = _portal.Id,
                modules = new object[]
                {
                    new
                    {
                        slug = "module-degressif", publisher = "organisme", title = "Module dégressif", summary = "Accompagné.", description = "Payant.",
                        themes = new[] { "fondamentaux-ase" }, format = "Accompanied", durationHours = 7m, publish = true,
                        prices = new { individual = 120m, employerSeat = 100m, instituteLicence = 900m, employerTiers = new[] { new { minimumSeats = 10, unitPrice = 90m }, new { minimumSeats = 25, unitPrice = 80m } } },
                    },
                },
            })],
        };
        await Factory.RunRecipeAsync(recipe);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> PayByWebhookAsync(Uri checkout)
    {
        var sessionId = checkout.Segments[^1];
        Stripe.Complete(sessionId, paid: true);
        var payload = Stripe.Event("checkout.session.completed", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientFor(_portal.Host).PostWebhookAsync(payload, StripeTestServer.Sign(payload))).StatusCode);
        return sessionId;
    }

    private Task<string> UserIdAsync(string email) => Factory.InPortalAsync(_portal, async sp =>
        (await sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>().FindByEmailAsync(email))!.Id);

    private Task<EnrolmentDto?> EnrolmentAsync(string userId, Guid moduleId) =>
        Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<IEnrolments>().FindAsync(userId, moduleId));

    private async Task<HttpClient> AdminAsync()
    {
        var admin = Factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        return admin;
    }

    [Fact]
    public async Task Twelve_seats_on_a_tiered_module_are_priced_at_the_tier_by_card_and_on_invoice()
    {
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-degressif");
        var manager = Factory.ClientFor(_portal.Host);
        await manager.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var orderPage = await manager.GetStringAsync($"/commande/nouvelle/{moduleId}");
        Assert.Contains("Tarif dégressif : à partir de 10 places, 90,00 € HT la place", orderPage);

        // Card: the order line and the Stripe Checkout amount carry the tier's unit price.
        var (_, checkout) = await CommerceTestSupport.BuySeatsByCardAsync(manager, moduleId, 12);
        var sessionId = checkout.Segments[^1];
        var orderId = Guid.Parse(Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>());
        var request = Stripe.SessionRequests.Last(r => r.Form.GetValueOrDefault("client_reference_id") == orderId.ToString());
        Assert.Equal("12", request.Form["line_items[0][quantity]"]);
        Assert.Equal("9000", request.Form["line_items[0][price_data][unit_amount]"]); // VAT-exempt institute: 90 € a seat
        Assert.Equal(108_000, Stripe.Session(sessionId)["amount_total"]!.GetValue<long>());
        var card = await Factory.OrderAsync(_portal, orderId);
        Assert.Equal(9_000, card.Lines[0].UnitPriceCents);
        Assert.Equal(108_000, card.TotalCents);
        await PayByWebhookAsync(checkout);
        Assert.Equal(12, (await Factory.SeatsAsync(_portal, orderId)).Count);

        // Invoice: the quote and the invoice are drawn from the same line.
        var invoiceId = await CommerceTestSupport.BuyByInvoiceAsync(manager, moduleId, 30, agreement: false);
        var invoice = await Factory.OrderAsync(_portal, invoiceId);
        Assert.Equal(8_000, invoice.Lines[0].UnitPriceCents);
        Assert.Equal(240_000, invoice.NetCents);
        Assert.Contains("80,00 €", await manager.GetStringAsync($"/commandes/{invoiceId}"));
        var quote = await manager.GetAsync($"/commandes/{invoiceId}?handler=Devis");
        Assert.Equal("application/pdf", quote.Content.Headers.ContentType?.MediaType);

        // Below the first tier, the base seat price.
        var (_, small) = await CommerceTestSupport.BuySeatsByCardAsync(manager, moduleId, 9);
        Assert.Equal("10000", Stripe.SessionRequests.Last(r => r.Form.GetValueOrDefault("line_items[0][quantity]") == "9").Form["line_items[0][price_data][unit_amount]"]);
        _ = small;
    }

    [Fact]
    public async Task The_recipe_refuses_tiers_that_break_the_rules_in_French()
    {
        var error = await Assert.ThrowsAsync<RecipeException>(() => Factory.RunRecipeAsync(new RecipeDocument
        {
            Name = "paliers-invalides",
            Steps = [TestPortal.Step(new
            {
                // Publishers are named by keys of the same recipe; everything is rolled back with the refused step.
                name = "organisations", tenant = _portal.Id,
                organisations = new[] { new { key = "organisme-paliers", kind = "TrainingInstitute", name = "Organisme paliers " + _portal.Id, siret = TestSiret.Next(), activityDeclarationNumber = "11755555577", qualiopi = true, vatExempt = true } },
            }), TestPortal.Step(new
            {
                name = "modules", tenant = _portal.Id,
                modules = new object[]
                {
                    new
                    {
                        slug = "module-paliers-invalides", publisher = "organisme-paliers", title = "Paliers invalides", summary = "Accompagné.", description = "Payant.",
                        themes = new[] { "fondamentaux-ase" }, format = "Accompanied", durationHours = 7m,
                        prices = new { individual = 120m, employerSeat = 100m, instituteLicence = 900m, employerTiers = new[] { new { minimumSeats = 10, unitPrice = 110m } } },
                    },
                },
            })],
        }));
        Assert.Contains("champ « modules[0].prices.employerTiers »", error.Message);
        Assert.Contains("Palier 1 : le prix par place doit être inférieur au prix employeur de base.", error.Message);
    }

    [Fact]
    public async Task A_full_refund_of_an_individual_purchase_closes_the_enrolment_and_launching_is_refused()
    {
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var email = _portal.Email("learner");
        var userId = await UserIdAsync(email);
        var learner = Factory.ClientFor(_portal.Host);
        await learner.LogInAsync(email, TestPortal.Password);
        var buy = await learner.SubmitAsync($"/commande/nouvelle/{moduleId}", new Dictionary<string, string> { ["Method"] = "Card" });
        Assert.Equal(HttpStatusCode.Redirect, buy.StatusCode);
        var sessionId = await PayByWebhookAsync(buy.Headers.Location!);
        var orderId = Guid.Parse(Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>());

        var enrolment = await EnrolmentAsync(userId, moduleId);
        Assert.NotNull(enrolment);
        Assert.Null(enrolment.ClosedUtc);
        Assert.Equal(orderId.ToString(), enrolment.Reference);
        Assert.Contains("À commencer", await learner.GetStringAsync("/mes-formations"));

        var order = await Factory.OrderAsync(_portal, orderId);
        var refund = await (await AdminAsync()).SubmitAsync($"/admin/commandes/{orderId}", new Dictionary<string, string>(),
            postUrl: $"/admin/commandes/{orderId}?handler=Rembourser&lineId={order.Lines[0].Id}&total=true");
        Assert.Equal(HttpStatusCode.Redirect, refund.StatusCode);
        Assert.Equal(OrderStatus.Refunded, (await Factory.OrderAsync(_portal, orderId)).Status);

        var closed = await EnrolmentAsync(userId, moduleId);
        Assert.Equal(enrolment.Id, closed!.Id); // kept for audit, not deleted
        Assert.NotNull(closed.ClosedUtc);
        Assert.Equal(EnrolmentCloseReasons.Refund, closed.ClosedReason);

        var dashboard = await learner.GetStringAsync("/mes-formations");
        Assert.Contains("Accès clos (remboursement)", dashboard);
        Assert.DoesNotContain("À commencer", dashboard);
        var page = await learner.GetStringAsync($"/mes-formations/{closed.Id}");
        Assert.Contains("acces-clos", page);
        Assert.DoesNotContain("id=\"reprendre\"", page);

        // Posting the launch anyway: refused with a French message, nothing recorded.
        var launch = await learner.SubmitAsync($"/mes-formations/{closed.Id}", new Dictionary<string, string>(), postUrl: $"/mes-formations/{closed.Id}?handler=Lancer");
        Assert.Equal(HttpStatusCode.OK, launch.StatusCode);
        Assert.Contains("est clos : l&#x27;achat a été remboursé. Le contenu ne peut plus être lancé.", await launch.Content.ReadAsStringAsync());
        var direct = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, sp =>
            sp.GetRequiredService<Cmi5Launcher>().LaunchAsync(closed.Id, userId, null, "Normal", new PortalUrls("http://" + _portal.Host), "http://" + _portal.Host, default)));
        Assert.Contains("l'achat a été remboursé", direct.Message);
        Assert.Equal(0, await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<Formation.Learning.Data.LearningDbContext>().Sessions.CountAsync(s => s.EnrolmentId == closed.Id)));
        Assert.False(await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<Formation.Catalog.Contracts.IRetiredModuleAccess>().HasAccessAsync(userId, moduleId)));

        // The module page offers to buy again; a new purchase opens the same enrolment again, with its history.
        Assert.Contains("Acheter", await learner.GetStringAsync("/formations/module-payant"));
        var again = await learner.SubmitAsync($"/commande/nouvelle/{moduleId}", new Dictionary<string, string> { ["Method"] = "Card" });
        var secondSession = await PayByWebhookAsync(again.Headers.Location!);
        var reopened = await EnrolmentAsync(userId, moduleId);
        Assert.Equal(enrolment.Id, reopened!.Id);
        Assert.Null(reopened.ClosedUtc);
        Assert.Equal(Stripe.Session(secondSession)["client_reference_id"]!.GetValue<string>(), reopened.Reference);
    }

    [Fact]
    public async Task Refunded_or_reclaimed_assigned_seats_close_their_enrolments_and_consumed_ones_stay_open()
    {
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var manager = Factory.ClientFor(_portal.Host);
        await manager.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var (_, checkout) = await CommerceTestSupport.BuySeatsByCardAsync(manager, moduleId, 3);
        var sessionId = await PayByWebhookAsync(checkout);
        var orderId = Guid.Parse(Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>());
        var (poolId, employerId) = await Factory.InPortalAsync(_portal, async sp =>
        {
            var pool = await sp.GetRequiredService<CommerceDbContext>().Pools.AsNoTracking().SingleAsync(p => p.OrderId == orderId);
            return (pool.Id, pool.OrganisationId);
        });
        var emails = Enumerable.Range(1, 3).Select(i => CommerceTestSupport.Employee(_portal, i)).ToArray();
        foreach (var email in emails)
            await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, email, null, "http://x/invitation", default));
        var users = new List<string>();
        foreach (var email in emails) users.Add(await UserIdAsync(email));

        // Employee 1 starts (the seat is consumed); employee 2's seat is taken back; employee 3's is refunded.
        var starter = Factory.ClientFor(_portal.Host);
        await starter.LogInAsync(emails[0], TestPortal.Password);
        var started = (await EnrolmentAsync(users[0], moduleId))!;
        Assert.Equal(HttpStatusCode.Redirect, (await starter.SubmitAsync($"/mes-formations/{started.Id}", new Dictionary<string, string>(), postUrl: $"/mes-formations/{started.Id}?handler=Lancer")).StatusCode);
        await Factory.DispatchEventsAsync();
        var seats = await Factory.SeatsAsync(_portal, orderId);
        var reclaimed = seats.Single(s => s.AssigneeEmail == emails[1]);
        await Factory.InPortalAsync(_portal, async sp => { await sp.GetRequiredService<SeatLedger>().ReclaimAsync(reclaimed.Id, employerId, null, default); return 0; });
        Assert.Equal(EnrolmentCloseReasons.SeatReclaimed, (await EnrolmentAsync(users[1], moduleId))!.ClosedReason);

        // Two seats are unconsumed (employee 3's assigned one, the one taken back): a full refund releases both.
        var order = await Factory.OrderAsync(_portal, orderId);
        await Factory.InPortalAsync(_portal, async sp =>
        {
            await sp.GetRequiredService<Orders>().RefundAsync(orderId, order.Lines[0].Id, null, null, sp.GetRequiredService<StripeGateway>(), default);
            return 0;
        });
        var after = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(2, after.Count(s => s.State == SeatState.Released));
        Assert.Equal(SeatState.Consumed, after.Single(s => s.Number == seats.Single(x => x.AssigneeEmail == emails[0]).Number).State);

        var third = (await EnrolmentAsync(users[2], moduleId))!;
        Assert.Equal(EnrolmentCloseReasons.Refund, third.ClosedReason);
        Assert.Null((await EnrolmentAsync(users[0], moduleId))!.ClosedUtc); // consumed seats are never released
        var thirdClient = Factory.ClientFor(_portal.Host);
        await thirdClient.LogInAsync(emails[2], TestPortal.Password);
        Assert.Contains("Accès clos (remboursement)", await thirdClient.GetStringAsync("/mes-formations"));
        var secondClient = Factory.ClientFor(_portal.Host);
        await secondClient.LogInAsync(emails[1], TestPortal.Password);
        Assert.Contains("Accès clos (place reprise par l&#x27;employeur)", await secondClient.GetStringAsync("/mes-formations"));
        Assert.Contains("Accès clos", await manager.GetStringAsync("/employeur/equipe"));
    }
}
