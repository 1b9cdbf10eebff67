using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Commandes;

/// <summary>An order as its buyer sees it: quote, purchase order and invoice (public buyers), agreement, card payment.</summary>
[Authorize]
public sealed class CommandeModel(Orders orders, StripeGateway stripe, CommercePeople people, SellerDirectory sellers, TenantContext tenant) : PageModel
{
    public Order? Order { get; private set; }
    public bool CardAvailable => stripe.IsConfigured;
    [BindProperty] public PurchaseOrderInput PurchaseOrder { get; set; } = new();
    [BindProperty] public string? SignerName { get; set; }
    [TempData] public string? Message { get; set; }

    public sealed class PurchaseOrderInput
    {
        public string? Reference { get; set; }
        public string? BuyerSiret { get; set; }
        public string? ServiceCode { get; set; }
        public string? EngagementNumber { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Order = await orders.FindForBuyerAsync(id, User, ct);
        return Order is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostBonDeCommandeAsync(Guid id, CancellationToken ct) => await ActAsync(id, async order =>
    {
        await orders.RecordPurchaseOrderAsync(order, new PurchaseOrderDetails(PurchaseOrder.Reference, PurchaseOrder.BuyerSiret, PurchaseOrder.ServiceCode, PurchaseOrder.EngagementNumber), ct);
        Message = $"Bon de commande enregistré : la facture {order.InvoiceNumber} est émise.";
    }, ct);

    public async Task<IActionResult> OnPostConventionAsync(Guid id, CancellationToken ct) => await ActAsync(id, async order =>
    {
        await orders.SignAgreementAsync(order, SignerName ?? "", ct);
        Message = "Convention signée.";
    }, ct);

    public async Task<IActionResult> OnPostPayerAsync(Guid id, CancellationToken ct)
    {
        Order = await orders.FindForBuyerAsync(id, User, ct);
        if (Order is null) return NotFound();
        if (Order.Status != OrderStatus.AwaitingPayment || Order.PaymentMethod != PaymentMethod.Card || !stripe.IsConfigured) return Redirect(Url.Content($"~/commandes/{id}"));
        return await NouvelleModel.CheckoutAsync(Order, orders, stripe, people, Url, Request, ct);
    }

    public async Task<IActionResult> OnGetDevisAsync(Guid id, CancellationToken ct) => await PdfAsync(id, quote: true, ct);
    public async Task<IActionResult> OnGetFactureAsync(Guid id, CancellationToken ct) => await PdfAsync(id, quote: false, ct);

    private async Task<IActionResult> PdfAsync(Guid id, bool quote, CancellationToken ct)
    {
        var order = await orders.FindForBuyerAsync(id, User, ct);
        if (order is null || (!quote && order.InvoiceNumber is null)) return NotFound();
        return await RenderPdfAsync(order, quote, sellers, tenant, ct);
    }

    internal static async Task<IActionResult> RenderPdfAsync(Order order, bool quote, SellerDirectory sellers, TenantContext tenant, CancellationToken ct)
    {
        var line = order.Lines.First();
        var seller = await sellers.FindAsync(line.SellerTenantId, line.SellerInstituteId, ct);
        var portal = tenant.Required;
        var pdf = InvoicePdf.Render(order, seller, portal.Name, portal.Brand.OperatorName ?? portal.Name, quote);
        return new FileContentResult(pdf, "application/pdf") { FileDownloadName = quote ? $"devis-{order.Id.ToString()[..8]}.pdf" : $"facture-{order.InvoiceNumber}.pdf" };
    }

    private async Task<IActionResult> ActAsync(Guid id, Func<Order, Task> action, CancellationToken ct)
    {
        Order = await orders.FindForBuyerAsync(id, User, ct);
        if (Order is null) return NotFound();
        try
        {
            await action(Order);
            return Redirect(Url.Content($"~/commandes/{id}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }
}
