using Formation.Lrs.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Lrs.Pages.Admin;

/// <summary>A portal's admins manage the credentials of its xAPI clients; a new secret is shown once, then only its hash is kept.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class LrsClientsModel(LrsCredentials credentials) : PageModel
{
    [BindProperty] public ClientInput Input { get; set; } = new();
    public IReadOnlyList<LrsClient> Clients { get; private set; } = [];
    /// <summary>Set only on the response that creates the client.</summary>
    public (string Key, string Secret)? Created { get; private set; }
    [TempData] public string? Message { get; set; }

    public sealed class ClientInput
    {
        public string Name { get; set; } = "";
        public string Key { get; set; } = "";
        public List<string> Scopes { get; set; } = [];
    }

    public async Task OnGetAsync(CancellationToken ct) => Clients = await credentials.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var (client, secret) = await credentials.CreateAsync(Input.Name ?? "", Input.Key ?? "", Input.Scopes ?? [], null, ct);
            // Shown on this response only (no redirect): the secret is never stored in clear.
            Created = (client.Key, secret);
            Input = new ClientInput();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddErrors(ex);
        }
        Clients = await credentials.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        Message = await credentials.RevokeAsync(id, ct) ? "Identifiant révoqué : il ne donne plus accès à l'entrepôt." : "Identifiant introuvable.";
        return RedirectToPage();
    }
}
