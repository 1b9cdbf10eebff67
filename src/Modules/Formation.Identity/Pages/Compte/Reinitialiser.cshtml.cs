using System.ComponentModel.DataAnnotations;
using System.Text;
using Formation.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Formation.Identity.Pages.Compte;

public sealed class ReinitialiserModel(UserManager<FormationUser> users) : PageModel
{
    [BindProperty] public ResetInput Input { get; set; } = new();

    public sealed class ResetInput
    {
        [Required] public string Code { get; set; } = "";
        [Required(ErrorMessage = "Saisissez votre adresse électronique."), EmailAddress(ErrorMessage = "Adresse électronique invalide.")]
        public string Email { get; set; } = "";
        [Required(ErrorMessage = "Choisissez un mot de passe.")]
        public string Password { get; set; } = "";
    }

    public void OnGet(string? code, string? email)
    {
        Input.Code = code ?? "";
        Input.Email = email ?? "";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        string token;
        try { token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Input.Code)); }
        catch (FormatException) { token = ""; }
        var result = user is null ? IdentityResult.Failed(new FrenchIdentityErrors().InvalidToken()) : await users.ResetPasswordAsync(user, token, Input.Password);
        if (result.Succeeded)
        {
            if (user is not null) await users.ResetAccessFailedCountAsync(user);
            return RedirectToPage("/Compte/Connexion", new { message = "reinitialise" });
        }
        foreach (var error in result.Errors)
            ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "Input.Password" : "Input.Email", error.Description);
        return Page();
    }
}
