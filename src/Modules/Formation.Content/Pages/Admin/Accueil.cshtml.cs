using Formation.Content.Data;
using Formation.Content.Home;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.Admin;

/// <summary>The editors arrange the home page: add, set up, move and remove blocks; optional Liquid templates.</summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class AccueilModel(HomeBlocks home) : PageModel
{
    public IReadOnlyList<RenderedBlock> Blocks { get; private set; } = [];
    [BindProperty] public HomeBlockInput Input { get; set; } = new();
    [TempData] public string? Saved { get; set; }
    public Guid? FailedBlock { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct) => Blocks = await home.RenderAsync(Request.PathBase.Value ?? "", ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct) =>
        await RunAsync(null, () => home.AddAsync(Input with { Title = Input.Title ?? ContentKinds.BlockLabel(Input.Kind) }, ct), "Bloc ajouté en bas de la page.", ct);

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, CancellationToken ct) =>
        await RunAsync(id, () => home.UpdateAsync(id, Input, ct), "Bloc enregistré.", ct);

    public async Task<IActionResult> OnPostMoveAsync(Guid id, int direction, CancellationToken ct) =>
        await RunAsync(id, () => home.MoveAsync(id, direction, ct), "Ordre des blocs enregistré.", ct);

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct) =>
        await RunAsync(id, () => home.RemoveAsync(id, ct), "Bloc retiré.", ct);

    private async Task<IActionResult> RunAsync(Guid? id, Func<Task> action, string message, CancellationToken ct)
    {
        try
        {
            await action();
            Saved = message;
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            FailedBlock = id;
            foreach (var (field, messages) in ex.Errors) foreach (var m in messages) ModelState.AddModelError("Input." + field, m);
            await LoadAsync(ct);
            return Page();
        }
    }
}
