using System.Security.Claims;
using Formation.Review.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Review.Pages.Notifications;

/// <summary>The signed-in person's in-app notifications, newest first; opening the page marks them read.</summary>
[Authorize]
public sealed class NotificationsModel(ReviewDbContext db) : PageModel
{
    public List<ReviewNotification> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var user = User.FindFirstValue(ClaimTypes.NameIdentifier);
        Items = await db.Notifications.AsNoTracking().Where(n => n.UserId == user).OrderByDescending(n => n.At).Take(100).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = User.FindFirstValue(ClaimTypes.NameIdentifier);
        foreach (var n in await db.Notifications.Where(n => n.UserId == user && !n.Read).ToListAsync(ct)) n.Read = true;
        await db.SaveChangesAsync(ct);
        return RedirectToPage();
    }
}
