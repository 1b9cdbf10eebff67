using System.Security.Claims;
using Formation.Identity.Data;
using Formation.Identity.Oidc;
using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Compte;

/// <summary>Single sign-on: challenge the portal's provider, then sign in (or create) the matching account.</summary>
[Feature(IdentityModule.OidcFeature)]
public sealed class ConnexionExterneModel(SignInManager<FormationUser> signIn, UserManager<FormationUser> users, Accounts accounts, TenantContext tenant) : PageModel
{
    public string? Error { get; private set; }

    public IActionResult OnPost(string? returnUrl)
    {
        if (tenant.Required.Oidc is not { Enabled: true }) return NotFound();
        var redirect = Url.Page("/Compte/ConnexionExterne", "Retour", new { returnUrl = ConnexionModel.SafeReturnUrl(returnUrl) });
        var properties = signIn.ConfigureExternalAuthenticationProperties(TenantOidcOptionsMonitor.Scheme, redirect);
        return Challenge(properties, TenantOidcOptionsMonitor.Scheme);
    }

    public async Task<IActionResult> OnGetRetourAsync(string? returnUrl, CancellationToken ct)
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null) { Error = "Réponse du fournisseur d'identité introuvable ou expirée."; return Page(); }
        // Provider keys are per portal: the same person at the same provider is a distinct account on each portal.
        var provider = $"oidc:{tenant.Required.Id}";
        var subject = info.ProviderKey;
        var result = await signIn.ExternalLoginSignInAsync(provider, subject, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded) return LocalRedirect(ConnexionModel.SafeReturnUrl(returnUrl));
        if (result.IsLockedOut) { Error = "Ce compte est verrouillé."; return Page(); }

        var email = info.Principal.FindFirstValue("email") ?? info.Principal.FindFirstValue(ClaimTypes.Email);
        if (string.IsNullOrWhiteSpace(email)) { Error = "Le fournisseur d'identité n'a pas transmis d'adresse électronique."; return Page(); }
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            var name = info.Principal.FindFirstValue("name")
                       ?? string.Join(' ', new[] { info.Principal.FindFirstValue("given_name"), info.Principal.FindFirstValue("usual_name") ?? info.Principal.FindFirstValue("family_name") }.Where(s => !string.IsNullOrWhiteSpace(s)));
            try
            {
                user = await accounts.CreateAsync(new CreateAccount(email, string.IsNullOrWhiteSpace(name) ? email : name, null, [Roles.Learner], EmailConfirmed: true), ct);
            }
            catch (ValidationFailedException ex) { Error = ex.Message; return Page(); }
        }
        var link = await users.AddLoginAsync(user, new UserLoginInfo(provider, subject, tenant.Required.Oidc?.DisplayName));
        if (!link.Succeeded) { Error = string.Join(" ", link.Errors.Select(e => e.Description)); return Page(); }
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: provider);
        return LocalRedirect(ConnexionModel.SafeReturnUrl(returnUrl));
    }
}
