using Formation.Commerce.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Commandes;

/// <summary>Back from Stripe Checkout. Nothing is fulfilled here: the webhook does it; the page says where things stand.</summary>
[Authorize]
public sealed class RetourModel(Orders orders) : PageModel
{
    public Order? Order { get; private set; }
    public bool Cancelled { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string issue, CancellationToken ct)
    {
        Order = await orders.FindForBuyerAsync(id, User, ct);
        Cancelled = issue == "annulee";
        return Order is null ? NotFound() : Page();
    }
}
