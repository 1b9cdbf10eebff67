using Formation.Catalog.Contracts;
using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Commandes;

/// <summary>Buying a paid module: seats for an employer, the module for an individual, a reuse licence for an institute.</summary>
[Authorize]
public sealed class NouvelleModel(Orders orders, StripeGateway stripe, CommercePeople people) : PageModel
{
    public PublishedModule? Module { get; private set; }
    public BuyerKind Kind { get; private set; }
    public bool CardAvailable => stripe.IsConfigured;
    public long UnitCents { get; private set; }
    [BindProperty] public int Quantity { get; set; } = 1;
    [BindProperty] public PaymentMethod Method { get; set; }
    [BindProperty] public bool RequireAgreement { get; set; }

    private async Task<bool> LoadAsync(Guid moduleId, CancellationToken ct)
    {
        Module = await orders.VisibleAsync(moduleId, ct);
        Kind = Orders.KindOf(User);
        if (Module is null) return false;
        UnitCents = Pricing.UnitPrice(Module.Prices, Kind);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid moduleId, CancellationToken ct)
    {
        if (!await LoadAsync(moduleId, ct)) return NotFound();
        Method = CardAvailable ? PaymentMethod.Card : PaymentMethod.Invoice;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid moduleId, CancellationToken ct)
    {
        if (!await LoadAsync(moduleId, ct)) return NotFound();
        try
        {
            var order = await orders.PlaceAsync(User, new PlaceOrder(moduleId, Quantity, Method, RequireAgreement), ct);
            if (order.PaymentMethod == PaymentMethod.Invoice) return Redirect(Url.Content($"~/commandes/{order.Id}"));
            return await CheckoutAsync(order, orders, stripe, people, Url, Request, ct);
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }

    /// <summary>Opens (or reopens, with the same idempotency key) the Stripe Checkout Session of a card order and sends the buyer there.</summary>
    internal static async Task<IActionResult> CheckoutAsync(Order order, Orders orders, StripeGateway stripe, CommercePeople people, IUrlHelper url, Microsoft.AspNetCore.Http.HttpRequest request, CancellationToken ct)
    {
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var user = await people.FindAsync(order.BuyerUserId);
        var started = await stripe.CreateCheckoutAsync(order, $"{baseUrl}/commandes/{order.Id}/merci?session_id={{CHECKOUT_SESSION_ID}}", $"{baseUrl}/commandes/{order.Id}/annulee", user?.Email, ct);
        await orders.AttachSessionAsync(order, started.SessionId, ct);
        return new RedirectResult(started.Url);
    }
}
