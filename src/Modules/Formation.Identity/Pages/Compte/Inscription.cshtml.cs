using System.ComponentModel.DataAnnotations;
using System.Text;
using Formation.Identity.Data;
using Formation.Shell.Email;
using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Formation.Identity.Pages.Compte;

[Feature(IdentityModule.RegistrationFeature)]
public sealed class InscriptionModel(Accounts accounts, UserManager<FormationUser> users, IEmailSender email, TenantContext tenant) : PageModel
{
    [BindProperty] public RegisterInput Input { get; set; } = new();

    public sealed class RegisterInput
    {
        [Required(ErrorMessage = "Indiquez votre prénom et votre nom."), StringLength(200)]
        public string DisplayName { get; set; } = "";
        [Required(ErrorMessage = "Saisissez votre adresse électronique."), EmailAddress(ErrorMessage = "Adresse électronique invalide.")]
        public string Email { get; set; } = "";
        public string? Profession { get; set; }
        [Required(ErrorMessage = "Choisissez un mot de passe.")]
        public string Password { get; set; } = "";
        [Compare(nameof(Password), ErrorMessage = "Les deux mots de passe diffèrent.")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        FormationUser user;
        try
        {
            user = await accounts.CreateAsync(new CreateAccount(Input.Email, Input.DisplayName, Input.Password, [Roles.Learner],
                Profession: string.IsNullOrEmpty(Input.Profession) ? null : Input.Profession), ct);
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
        await ConfirmationMail.SendAsync(user, users, email, tenant, Url, ct);
        return RedirectToPage("/Compte/Connexion", new { message = "confirmez" });
    }
}

internal static class ConfirmationMail
{
    public static async Task SendAsync(FormationUser user, UserManager<FormationUser> users, IEmailSender email, TenantContext tenant, IUrlHelper url, CancellationToken ct)
    {
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
        var link = url.PageLink("/Compte/ConfirmerEmail", values: new { userId = user.Id, code })!;
        var site = tenant.Required.Brand.SiteTitle;
        await email.SendAsync(new EmailMessage(user.Email!, $"Confirmez votre adresse — {site}",
            $"<p>Bonjour {System.Net.WebUtility.HtmlEncode(user.DisplayName)},</p><p>Pour activer votre compte sur {System.Net.WebUtility.HtmlEncode(site)}, <a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">confirmez votre adresse électronique</a>.</p>",
            $"Bonjour {user.DisplayName},\n\nPour activer votre compte sur {site}, confirmez votre adresse : {link}\n"), ct);
    }
}
