using System.Security.Claims;
using Formation.Identity.Data;
using Formation.Identity.Oidc;
using Formation.Shell.Modules;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Compte;

/// <summary>Single sign-on: challenge the portal's provider, then sign in (or create) the matching account.</summary>
[Feature(IdentityModule.OidcFeature)]
public sealed class ConnexionExterneModel(SignInManager<FormationUser> signIn, UserManager<FormationUser> users, Accounts accounts, TenantContext tenant, FeatureService features) : PageModel
{
    public string? Error { get; private set; }

    private string ProviderName => tenant.Required.Oidc?.DisplayName ?? "le fournisseur d'identité";

    public IActionResult OnPost(string? returnUrl)
    {
        if (!TenantOidc.IsActive(tenant.Required, features)) return NotFound();
        var redirect = Url.Page("/Compte/ConnexionExterne", "Retour", new { returnUrl = ConnexionModel.SafeReturnUrl(returnUrl) });
        var properties = signIn.ConfigureExternalAuthenticationProperties(TenantOidcOptionsMonitor.Scheme, redirect);
        return Challenge(properties, TenantOidcOptionsMonitor.Scheme);
    }

    /// <summary>Where the handler sends a person whose sign-in at the provider failed or was cancelled.</summary>
    public IActionResult OnGetErreur(string? raison)
    {
        if (!TenantOidc.IsActive(tenant.Required, features)) return NotFound();
        Error = raison == "annulee"
            ? $"Connexion annulée : {ProviderName} n'a pas confirmé votre identité. Vous pouvez réessayer ou vous connecter avec votre adresse électronique."
            : $"La connexion par {ProviderName} a échoué. Réessayez ; si le problème persiste, contactez l'équipe du portail.";
        return Page();
    }

    public async Task<IActionResult> OnGetRetourAsync(string? returnUrl, CancellationToken ct)
    {
        if (!TenantOidc.IsActive(tenant.Required, features)) return NotFound();
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null) return await FailAsync("Réponse du fournisseur d'identité introuvable ou expirée.");
        // Provider keys are per portal: the same person at the same provider is a distinct account on each portal.
        var provider = $"oidc:{tenant.Required.Id}";
        var subject = info.ProviderKey;
        var result = await signIn.ExternalLoginSignInAsync(provider, subject, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded) return LocalRedirect(ConnexionModel.SafeReturnUrl(returnUrl));
        if (result.IsLockedOut) return await FailAsync("Ce compte est verrouillé.");
        if (result.IsNotAllowed) return await FailAsync("Ce compte ne peut pas se connecter pour le moment.");

        var email = info.Principal.FindFirstValue("email") ?? info.Principal.FindFirstValue(ClaimTypes.Email);
        if (string.IsNullOrWhiteSpace(email)) return await FailAsync("Le fournisseur d'identité n'a pas transmis d'adresse électronique.");
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            var name = info.Principal.FindFirstValue("name")
                       ?? string.Join(' ', new[] { info.Principal.FindFirstValue("given_name"), info.Principal.FindFirstValue("usual_name") ?? info.Principal.FindFirstValue("family_name") }.Where(s => !string.IsNullOrWhiteSpace(s)));
            try
            {
                user = await accounts.CreateAsync(new CreateAccount(email, string.IsNullOrWhiteSpace(name) ? email : name, null, [Roles.Learner], EmailConfirmed: true), ct);
            }
            catch (ValidationFailedException ex) { return await FailAsync(ex.Message); }
        }
        var link = await users.AddLoginAsync(user, new UserLoginInfo(provider, subject, tenant.Required.Oidc?.DisplayName));
        if (!link.Succeeded) return await FailAsync(string.Join(" ", link.Errors.Select(e => e.Description)));
        // Signs in through the new link, with the same checks as above, and drops the external cookie.
        result = await signIn.ExternalLoginSignInAsync(provider, subject, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded) return LocalRedirect(ConnexionModel.SafeReturnUrl(returnUrl));
        return await FailAsync(result.IsLockedOut ? "Ce compte est verrouillé." : "Ce compte ne peut pas se connecter pour le moment.");
    }

    /// <summary>Shows the error and drops what the provider said: nothing of it outlives this answer.</summary>
    private async Task<IActionResult> FailAsync(string error)
    {
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        Error = error;
        return Page();
    }
}
