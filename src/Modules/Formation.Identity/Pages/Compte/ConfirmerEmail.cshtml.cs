using System.Text;
using Formation.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Formation.Identity.Pages.Compte;

public sealed class ConfirmerEmailModel(UserManager<FormationUser> users) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        if (userId is null || code is null) return Page();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Page();
        string token;
        try { token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return Page(); }
        var result = await users.ConfirmEmailAsync(user, token);
        return result.Succeeded ? RedirectToPage("/Compte/Connexion", new { message = "confirme" }) : Page();
    }
}
