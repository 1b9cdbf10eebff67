using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Formation.EndToEnd.Infrastructure;
using Formation.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Formation.EndToEnd;

/// <summary>
/// Selling seats end to end on the demo portals, in Chromium, with Stripe played by the local test server:
/// an employer buys by card, the signed webhook pays the order, seats are assigned by CSV and started, a partial refund
/// releases the unassigned seats; a Département buys by invoice and gets its seats once the payment is recorded.
/// </summary>
public sealed partial class CommerceEndToEndTests(PortalFixture fixture, ITestOutputHelper output) : PortalTest(fixture, output)
{
    private const string ModuleSlug = "educateurs-violences-intrafamiliales";

    private async Task SignInAsync(IPage page, Portal portal, string email)
    {
        await page.GotoAsync(Fixture.Url(portal, "/connexion"));
        await page.Locator("#Input_Email").FillAsync(email);
        await page.Locator("#Input_Password").FillAsync(Portals.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Fixture.Url(portal, "/"));
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(Portal portal, string payload, string signature)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{Fixture.Port}/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Host = $"{portal.Host}:{Fixture.Port}";
        request.Headers.Add("Stripe-Signature", signature);
        return await client.SendAsync(request);
    }

    private async Task<string> InvitationLinkAsync(string to)
    {
        var folder = Path.Combine(Fixture.DataPath, "mail");
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [])
        {
            var message = await MimeKit.MimeMessage.LoadAsync(file);
            if (message.To.Mailboxes.Any(m => m.Address == to))
                return WebUtility.HtmlDecode(Regex.Match(message.HtmlBody, "href=\"(http[^\"]+)\"").Groups[1].Value);
        }
        throw new Xunit.Sdk.XunitException("No invitation to " + to);
    }

    [Fact]
    public Task Commerce_employer_buys_seats_by_card_assigns_them_by_csv_and_a_partial_refund_releases_the_unassigned_ones() =>
        InPageAsync("commerce-carte", async page =>
        {
            var portal = Portals.Federation;
            await SignInAsync(page, portal, "employeur@federation.formation.test");

            // Buy 5 seats by card: the browser goes to the (test) Stripe Checkout page and back.
            await page.GotoAsync(Fixture.Url(portal, $"/formations/{ModuleSlug}"));
            await page.GetByRole(AriaRole.Link, new() { Name = "Acheter des places" }).ClickAsync();
            await page.Locator("#Quantity").FillAsync("5");
            await page.Locator("label[for=paiement-carte]").ClickAsync();
            await page.Locator("#commander").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Fixture.Stripe.BaseUrl)}/pay/cs_test_"));
            var sessionId = page.Url.Split('/')[^1];
            var orderId = Fixture.Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>();
            Assert.Equal("5", Fixture.Stripe.SessionRequests.Single(r => r.Form.GetValueOrDefault("client_reference_id") == orderId).Form["line_items[0][quantity]"]);
            await page.Locator("#payer").ClickAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("en cours de confirmation");

            // Stripe confirms: a forged webhook is refused, the signed one pays the order, its replay changes nothing.
            Fixture.Stripe.Complete(sessionId, paid: true);
            var payload = Fixture.Stripe.Event("checkout.session.completed", sessionId);
            Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(portal, payload, StripeTestServer.Sign(payload, Fixture.Clock.GetUtcNow(), "whsec_forged"))).StatusCode);
            var signature = StripeTestServer.Sign(payload, Fixture.Clock.GetUtcNow()); // the host's clock may run ahead (scheduled publication tests)
            Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(portal, payload, signature)).StatusCode);
            await page.GotoAsync(Fixture.Url(portal, $"/commandes/{orderId}"));
            await Expect(page.Locator("#statut")).ToHaveTextAsync("Payée");
            Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(portal, payload, signature)).StatusCode);

            await page.GotoAsync(Fixture.Url(portal, "/employeur"));
            var row = page.Locator("#lots tbody tr").Filter(new() { HasText = "violences intrafamiliales" });
            await Expect(row).ToHaveCountAsync(1); // the replay opened no second pool
            await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("5");

            // Assign 3 seats by CSV, one bad line reported.
            await row.GetByRole(AriaRole.Link).ClickAsync();
            var csv = "email\napprenant@federation.formation.test\nsalarie.un@federation.formation.test\npas-une-adresse\nsalarie.deux@federation.formation.test\n";
            await page.Locator("#fichier").SetInputFilesAsync(new FilePayload { Name = "equipe.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
            await page.Locator("#importer").ClickAsync();
            await Expect(page.Locator("#rapport caption")).ToContainTextAsync("3 ligne(s) acceptée(s), 1 refusée(s)");
            await Expect(page.Locator("#rapport")).ToContainTextAsync("Adresse électronique invalide.");
            await Expect(page.Locator("#disponibles")).ToHaveTextAsync("2");
            var poolUrl = page.Url;

            // The employees start their training: the existing account, and two invited people at their first sign-in.
            foreach (var email in new[] { "salarie.un@federation.formation.test", "salarie.deux@federation.formation.test" })
            {
                await using var invited = await Fixture.Browser.NewContextAsync(new() { Locale = "fr-FR" });
                var p = await invited.NewPageAsync();
                var link = new Uri(await InvitationLinkAsync(email));
                await p.GotoAsync(Fixture.Url(portal, link.PathAndQuery));
                await p.Locator("#Input_DisplayName").FillAsync("Salarié " + email[8..11]);
                await p.Locator("#Input_Password").FillAsync("Salarie-2026-solide");
                await p.Locator("form button[type=submit]").Last.ClickAsync();
                await Expect(p).ToHaveURLAsync(Fixture.Url(portal, "/compte"));
                await StartAsync(p, portal);
            }
            await using (var learner = await Fixture.Browser.NewContextAsync(new() { Locale = "fr-FR" }))
            {
                var p = await learner.NewPageAsync();
                await SignInAsync(p, portal, "apprenant@federation.formation.test");
                await StartAsync(p, portal);
            }
            // Seats are consumed as the start events are delivered.
            for (var attempt = 0; attempt < 50; attempt++)
            {
                await page.GotoAsync(poolUrl);
                if (await page.Locator("#places tbody tr").Filter(new() { HasText = "Commencée" }).CountAsync() == 3) break;
                await page.WaitForTimeoutAsync(200);
            }
            await Expect(page.Locator("#places tbody tr").Filter(new() { HasText = "Commencée" })).ToHaveCountAsync(3);

            // The portal's admin refunds 2 seats: exactly the 2 unassigned ones are released.
            await using (var adminContext = await Fixture.Browser.NewContextAsync(new() { Locale = "fr-FR" }))
            {
                var admin = await adminContext.NewPageAsync();
                await SignInAsync(admin, portal, "admin@federation.formation.test");
                await admin.GotoAsync(Fixture.Url(portal, $"/admin/commandes/{orderId}"));
                await admin.Locator("input[name=Quantity]").First.FillAsync("2");
                await admin.Locator("#rembourser-partiel").ClickAsync();
                await Expect(admin.Locator("#statut")).ToHaveTextAsync("Partiellement remboursée");
            }
            Assert.Contains(Fixture.Stripe.RefundRequests, r => r.Form["amount"] == (2 * 58_800).ToString());
            await page.GotoAsync(poolUrl);
            await Expect(page.Locator("#places tbody tr").Filter(new() { HasText = "Libérée" })).ToHaveCountAsync(2);
            await Expect(page.Locator("#places tbody tr").Filter(new() { HasText = "Commencée" })).ToHaveCountAsync(3);
            await page.GotoAsync(Fixture.Url(portal, "/employeur/equipe"));
            await Expect(page.Locator("#equipe")).ToContainTextAsync("En cours");
        });

    /// <summary>From the module page, "Commencer" launches the paid module the learner holds a seat for.</summary>
    private async Task StartAsync(IPage page, Portal portal)
    {
        await page.GotoAsync(Fixture.Url(portal, $"/formations/{ModuleSlug}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Commencer" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/contenus/"));
    }

    [Fact]
    public Task Commerce_departement_buys_by_invoice_and_gets_its_seats_once_the_payment_is_recorded() =>
        InPageAsync("commerce-facture", async page =>
        {
            var portal = Portals.Departement;
            await SignInAsync(page, portal, "acheteur@departement.formation.test");
            await page.GotoAsync(Fixture.Url(portal, $"/formations/{ModuleSlug}"));
            await page.GetByRole(AriaRole.Link, new() { Name = "Acheter des places" }).ClickAsync();
            await page.Locator("#Quantity").FillAsync("3");
            await page.Locator("label[for=paiement-facture]").ClickAsync();
            await page.Locator("#commander").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/commandes/[0-9a-f-]{36}$"));
            var orderUrl = page.Url;
            await page.Locator("#PurchaseOrder_Reference").FillAsync("BC-2026-0098");
            await page.Locator("#PurchaseOrder_BuyerSiret").FillAsync("22590001700016");
            await page.Locator("#PurchaseOrder_ServiceCode").FillAsync("DEF-FORMATION");
            await page.Locator("#PurchaseOrder_EngagementNumber").FillAsync("EJ-44120");
            await page.Locator("#envoyer-bon").ClickAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("la facture F-");
            await Expect(page.Locator("#facture")).ToBeVisibleAsync();
            await Expect(page.Locator("#statut")).ToHaveTextAsync("En attente de paiement");
            await page.GotoAsync(Fixture.Url(portal, "/employeur"));
            await Expect(page.Locator("main")).ToContainTextAsync("Aucune place achetée");

            await using (var adminContext = await Fixture.Browser.NewContextAsync(new() { Locale = "fr-FR" }))
            {
                var admin = await adminContext.NewPageAsync();
                await SignInAsync(admin, portal, "admin@departement.formation.test");
                await admin.GotoAsync(Fixture.Url(portal, new Uri(orderUrl).AbsolutePath.Replace("/commandes/", "/admin/commandes/")));
                await admin.Locator("#PaymentReference").FillAsync("Mandat 2026-1187");
                await admin.Locator("#enregistrer-paiement").ClickAsync();
                await Expect(admin.Locator("#statut")).ToHaveTextAsync("Payée");
            }
            await page.GotoAsync(Fixture.Url(portal, "/employeur"));
            var row = page.Locator("#lots tbody tr").Filter(new() { HasText = "violences intrafamiliales" });
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("3");
        });
}
