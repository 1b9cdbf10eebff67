using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Admin;

/// <summary>The portal's orders: record a public payment, refund a line in part or in full.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class CommandesModel(Orders orders, StripeGateway stripe, CommercePeople people, SellerDirectory sellers, TenantContext tenant) : PageModel
{
    public List<Order> Orders { get; private set; } = [];
    public Order? Selected { get; private set; }
    public Dictionary<Guid, int> Refundable { get; } = [];
    [BindProperty] public string? PaymentReference { get; set; }
    [BindProperty] public int? Quantity { get; set; }
    [TempData] public string? Message { get; set; }

    private async Task LoadAsync(Guid? id, CancellationToken ct)
    {
        Orders = await orders.AllAsync(ct);
        if (id is { } orderId)
        {
            Selected = await orders.FindAsync(orderId, ct);
            if (Selected is not null)
                foreach (var line in Selected.Lines) Refundable[line.Id] = await orders.RefundableAsync(Selected, line, ct);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        await LoadAsync(id, ct);
        return id is not null && Selected is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnGetFactureAsync(Guid id, CancellationToken ct)
    {
        var order = await orders.FindAsync(id, ct);
        if (order?.InvoiceNumber is null) return NotFound();
        return await Formation.Commerce.Pages.Commandes.CommandeModel.RenderPdfAsync(order, false, sellers, tenant, ct);
    }

    public async Task<IActionResult> OnPostPaiementAsync(Guid id, CancellationToken ct) => await ActAsync(id, async order =>
    {
        await orders.RecordPublicPaymentAsync(order, PaymentReference, ct);
        Message = "Paiement enregistré : les places sont ouvertes (si la convention est signée quand elle est demandée).";
    }, ct);

    public async Task<IActionResult> OnPostRembourserAsync(Guid id, Guid lineId, bool total, CancellationToken ct) => await ActAsync(id, async order =>
    {
        await orders.RefundAsync(order.Id, lineId, total ? null : Quantity ?? 0, people.UserId(User), stripe, ct);
        Message = "Remboursement effectué.";
    }, ct);

    private async Task<IActionResult> ActAsync(Guid id, Func<Order, Task> action, CancellationToken ct)
    {
        var order = await orders.FindAsync(id, ct);
        if (order is null) return NotFound();
        try
        {
            await action(order);
            return Redirect(Url.Content($"~/admin/commandes/{id}"));
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            await LoadAsync(id, ct);
            return Page();
        }
        catch (Stripe.StripeException ex)
        {
            ModelState.AddModelError(nameof(Quantity), "Stripe a refusé le remboursement : " + ex.Message);
            await LoadAsync(id, ct);
            return Page();
        }
    }
}
