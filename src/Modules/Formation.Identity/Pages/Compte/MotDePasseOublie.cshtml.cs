using System.ComponentModel.DataAnnotations;
using System.Text;
using Formation.Identity.Data;
using Formation.Shell.Email;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Formation.Identity.Pages.Compte;

public sealed class MotDePasseOublieModel(UserManager<FormationUser> users, IEmailSender email, TenantContext tenant) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Saisissez votre adresse électronique."), EmailAddress(ErrorMessage = "Adresse électronique invalide.")]
    public string Email { get; set; } = "";
    public bool Sent { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        var user = await users.FindByEmailAsync(Email.Trim());
        // Same answer whether the account exists or not: the page must not reveal who has an account.
        if (user is not null && user.EmailConfirmed)
        {
            var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
            var link = Url.PageLink("/Compte/Reinitialiser", values: new { code, email = user.Email })!;
            var site = tenant.Required.Brand.SiteTitle;
            await email.SendAsync(new EmailMessage(user.Email!, $"Nouveau mot de passe — {site}",
                $"<p>Bonjour,</p><p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Choisissez un nouveau mot de passe</a>. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.</p>",
                $"Bonjour,\n\nChoisissez un nouveau mot de passe : {link}\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n"), ct);
        }
        Sent = true;
        return Page();
    }
}
