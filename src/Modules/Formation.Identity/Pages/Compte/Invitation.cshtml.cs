using System.ComponentModel.DataAnnotations;
using Formation.Identity.Data;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Identity.Pages.Compte;

public sealed class InvitationModel(Invitations invitations, SignInManager<FormationUser> signIn) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Jeton { get; set; }
    [BindProperty] public AcceptInput Input { get; set; } = new();
    public Invitation? Invitation { get; private set; }

    public sealed class AcceptInput
    {
        [Required(ErrorMessage = "Indiquez votre prénom et votre nom.")] public string DisplayName { get; set; } = "";
        [Required(ErrorMessage = "Choisissez un mot de passe.")] public string Password { get; set; } = "";
    }

    public async Task OnGetAsync(CancellationToken ct) => Invitation = await invitations.FindValidAsync(Jeton, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Invitation = await invitations.FindValidAsync(Jeton, ct);
        if (Invitation is null || !ModelState.IsValid) return Page();
        try
        {
            var user = await invitations.AcceptAsync(Jeton!, Input.DisplayName, Input.Password, ct);
            await signIn.SignInAsync(user, isPersistent: false);
            return LocalRedirect("~/compte");
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
            return Page();
        }
    }
}
