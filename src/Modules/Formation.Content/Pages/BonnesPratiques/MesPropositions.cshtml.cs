using System.Security.Claims;
using Formation.Content.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.BonnesPratiques;

[Authorize]
public sealed class MesPropositionsModel(Moderation moderation) : PageModel
{
    public IReadOnlyList<ContentItem> Items { get; private set; } = [];
    public async Task OnGetAsync(CancellationToken ct) => Items = await moderation.ProposalsOfAsync(User.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
}
