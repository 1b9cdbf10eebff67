using System.Net;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Shell.Validation;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Commerce;

/// <summary>Public buyers: quote → purchase order → numbered invoice with the legal and Chorus Pro mentions → recorded payment → seats; the agreement when asked.</summary>
[Collection(CommerceCollection.Name), Trait("Category", "Integration")]
public sealed class CommerceInvoiceTests(CommerceFixture fixture) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("facture");
    private FormationFactory Factory => fixture.Factory;

    public Task InitializeAsync() => Factory.RunRecipeAsync(CommerceTestSupport.Recipe(_portal, employees: 0));
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpClient> DepartementAsync()
    {
        var buyer = Factory.ClientFor(_portal.Host);
        await buyer.LogInAsync(CommerceTestSupport.DepartementManager(_portal), TestPortal.Password);
        return buyer;
    }

    private static Dictionary<string, string> PurchaseOrder(string reference, string siret = "22590001700016") => new()
    {
        ["PurchaseOrder.Reference"] = reference, ["PurchaseOrder.BuyerSiret"] = siret,
        ["PurchaseOrder.ServiceCode"] = "DIR-ENFANCE", ["PurchaseOrder.EngagementNumber"] = "EJ-2026-0042",
    };

    [Fact]
    public async Task Seats_open_only_once_the_payment_is_recorded_and_the_agreement_signed()
    {
        var buyer = await DepartementAsync();
        var orderId = await CommerceTestSupport.BuyByInvoiceAsync(buyer, await Factory.ModuleIdAsync(_portal, "module-tva"), 4, agreement: true);

        var quote = await buyer.GetAsync($"/commandes/{orderId}?handler=Devis");
        Assert.Equal("application/pdf", quote.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await quote.Content.ReadAsByteArrayAsync(), 0, 4));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/commandes/{orderId}?handler=Facture")).StatusCode);

        var badSiret = await buyer.SubmitAsync($"/commandes/{orderId}", PurchaseOrder("BC-1", "12345678901234"), postUrl: $"/commandes/{orderId}?handler=BonDeCommande");
        Assert.Contains("Le SIRET de l&#x27;acheteur", await badSiret.Content.ReadAsStringAsync());
        var recorded = await buyer.SubmitAsync($"/commandes/{orderId}", PurchaseOrder("BC-2026-117"), postUrl: $"/commandes/{orderId}?handler=BonDeCommande");
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        var order = await Factory.OrderAsync(_portal, orderId);
        Assert.Matches(@"^F-\d{4}-\d{5}$", order.InvoiceNumber);
        Assert.Equal(("BC-2026-117", "22590001700016", "DIR-ENFANCE", "EJ-2026-0042"), (order.PurchaseOrderReference, order.BuyerSiret, order.ServiceCode, order.EngagementNumber));
        var invoice = await buyer.GetAsync($"/commandes/{orderId}?handler=Facture");
        Assert.Equal("application/pdf", invoice.Content.Headers.ContentType?.MediaType);
        Assert.Contains(order.InvoiceNumber!, invoice.Content.Headers.ContentDisposition!.FileName!);
        Assert.Equal(OrderStatus.AwaitingPayment, order.Status);
        Assert.Empty(await Factory.SeatsAsync(_portal, orderId));

        // The buyer cannot mark it paid; the portal's operator can.
        Assert.NotEqual(HttpStatusCode.OK, (await buyer.GetAsync($"/admin/commandes/{orderId}")).StatusCode);
        var admin = Factory.ClientFor(_portal.Host);
        await admin.LogInAsync(_portal.Email("tenant-admin"), TestPortal.Password);
        var paid = await admin.SubmitAsync($"/admin/commandes/{orderId}", new Dictionary<string, string> { ["PaymentReference"] = "Mandat 2026-5531" }, postUrl: $"/admin/commandes/{orderId}?handler=Paiement");
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Equal(OrderStatus.Paid, (await Factory.OrderAsync(_portal, orderId)).Status);
        Assert.Empty(await Factory.SeatsAsync(_portal, orderId)); // the agreement is not signed yet

        var signed = await buyer.SubmitAsync($"/commandes/{orderId}", new Dictionary<string, string> { ["SignerName"] = "Claire Martin, directrice enfance famille" }, postUrl: $"/commandes/{orderId}?handler=Convention");
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(4, seats.Count);
        Assert.All(seats, s => Assert.Equal(SeatState.Available, s.State));

        // Recording the payment twice changes nothing.
        var twice = await admin.SubmitAsync($"/admin/commandes/{orderId}", new Dictionary<string, string> { ["PaymentReference"] = "Mandat bis" }, postUrl: $"/admin/commandes/{orderId}?handler=Paiement");
        Assert.Contains("n&#x27;attend plus de paiement", await twice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoice_numbers_are_sequential_and_never_shared()
    {
        var buyer = await DepartementAsync();
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await CommerceTestSupport.BuyByInvoiceAsync(buyer, moduleId, 1, agreement: false));
        await Task.WhenAll(ids.Select(id => Factory.InPortalAsync(_portal, async sp =>
        {
            var orders = sp.GetRequiredService<Orders>();
            return await orders.RecordPurchaseOrderAsync((await orders.FindAsync(id, default))!, new PurchaseOrderDetails("BC-" + id.ToString()[..4], "22590001700016", null, null), default);
        })));
        var numbers = new List<int>();
        foreach (var id in ids) numbers.Add(int.Parse((await Factory.OrderAsync(_portal, id)).InvoiceNumber![7..]));
        numbers.Sort();
        Assert.Equal(3, numbers.Distinct().Count());
        Assert.Equal(numbers[0] + 2, numbers[2]);

        // An invoice, once issued, is not issued again.
        var again = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, async sp =>
        {
            var orders = sp.GetRequiredService<Orders>();
            return await orders.RecordPurchaseOrderAsync((await orders.FindAsync(ids[0], default))!, new PurchaseOrderDetails("BC-X", "22590001700016", null, null), default);
        }));
        Assert.Contains("est déjà émise", again.Message);
    }

    [Fact]
    public async Task The_exemption_is_stated_when_the_seller_is_exempt_and_the_institute_sees_its_sales_and_payout()
    {
        var buyer = await DepartementAsync();
        var orderId = await CommerceTestSupport.BuyByInvoiceAsync(buyer, await Factory.ModuleIdAsync(_portal, "module-payant"), 2, agreement: false);
        var page = await buyer.GetStringAsync($"/commandes/{orderId}");
        Assert.Contains("261-4-4° a", System.Net.WebUtility.HtmlDecode(page));
        await buyer.SubmitAsync($"/commandes/{orderId}", PurchaseOrder("BC-55"), postUrl: $"/commandes/{orderId}?handler=BonDeCommande");
        await Factory.InPortalAsync(_portal, async sp =>
        {
            var orders = sp.GetRequiredService<Orders>();
            await orders.RecordPublicPaymentAsync((await orders.FindAsync(orderId, default))!, "Mandat 77", default);
            return 0;
        });
        var publisher = Factory.ClientFor(_portal.Host);
        await publisher.LogInAsync(_portal.Email("institute-publisher"), TestPortal.Password);
        var sales = System.Net.WebUtility.HtmlDecode(await publisher.GetStringAsync("/espace-editeur/ventes"));
        Assert.Contains("Module payant", sales);
        Assert.Contains("160,00 €", sales); // 2 seats at 80 €, exempt
        Assert.Contains("144,00 €", sales); // owed after the default 10 % commission
    }
}
