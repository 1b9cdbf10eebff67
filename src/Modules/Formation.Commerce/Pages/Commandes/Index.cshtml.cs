using Formation.Commerce.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Commerce.Pages.Commandes;

[Authorize]
public sealed class IndexModel(Orders orders, CommercePeople people) : PageModel
{
    public List<Order> Orders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var organisation = (await people.EmployerOfAsync(User, ct))?.Id ?? (await people.InstituteOfAsync(User, ct))?.Id;
        Orders = await orders.ForBuyerAsync(people.UserId(User)!, organisation, ct);
    }
}
