using System.ComponentModel.DataAnnotations;
using Formation.Identity.Data;
using Formation.Identity.Oidc;
using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Compte;

public sealed class ConnexionModel(SignInManager<FormationUser> signIn, UserManager<FormationUser> users, TenantContext tenant, FeatureService features) : PageModel
{
    [BindProperty] public LoginInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Message { get; private set; }
    public string? SsoLabel { get; private set; }

    public sealed class LoginInput
    {
        [Required(ErrorMessage = "Saisissez votre adresse électronique.")]
        [EmailAddress(ErrorMessage = "Adresse électronique invalide.")]
        public string Email { get; set; } = "";
        [Required(ErrorMessage = "Saisissez votre mot de passe.")]
        public string Password { get; set; } = "";
        public bool RememberMe { get; set; }
    }

    public void OnGet(string? message = null)
    {
        Message = message switch
        {
            "confirmez" => "Un lien de confirmation vous a été envoyé par courriel. Cliquez-le, puis connectez-vous.",
            "confirme" => "Votre adresse est confirmée : vous pouvez vous connecter.",
            "reinitialise" => "Votre mot de passe a été changé : vous pouvez vous connecter.",
            _ => null,
        };
        SetSso();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        SetSso();
        if (!ModelState.IsValid) return Page();
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is not null && !user.EmailConfirmed && await users.CheckPasswordAsync(user, Input.Password))
        {
            ModelState.AddModelError("Input.Email", "Votre adresse n'est pas encore confirmée : cliquez le lien reçu par courriel.");
            return Page();
        }
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return LocalRedirect(SafeReturnUrl(ReturnUrl));
        ModelState.AddModelError("Input.Password", result.IsLockedOut
            ? "Trop d'essais infructueux : votre compte est verrouillé pendant 15 minutes."
            : "Adresse électronique ou mot de passe incorrect.");
        return Page();
    }

    private void SetSso()
    {
        SsoLabel = TenantOidc.IsActive(tenant.Required, features) ? tenant.Required.Oidc!.DisplayName : null;
    }

    internal static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "~/";
}
