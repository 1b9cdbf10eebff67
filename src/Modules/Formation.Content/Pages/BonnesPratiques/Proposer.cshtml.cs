using System.Security.Claims;
using Formation.Content.Data;
using Formation.Content.Pages.Admin.Contenus;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.BonnesPratiques;

/// <summary>Any signed-in professional proposes a good practice (or changes one sent back to them).</summary>
[Authorize]
public sealed class ProposerModel(Moderation moderation) : PageModel
{
    [BindProperty] public ContentForm Input { get; set; } = new() { Kind = ContentKind.GoodPractice };
    public Guid? Id { get; private set; }
    public string? Message { get; private set; }

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;
    private Moderation.Author Author => new(UserId, User.FindFirstValue("name") ?? User.Identity?.Name ?? "", User.FindFirstValue(ClaimTypes.Email) ?? (User.Identity?.Name?.Contains('@') == true ? User.Identity.Name : null));

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "id")] Guid? id, CancellationToken ct)
    {
        if (id is { } existing)
        {
            var item = await moderation.MineAsync(existing, UserId, ct);
            if (item.Status != ContentStatus.ChangesRequested) return Redirect(Url.Content("~/bonnes-pratiques/mes-propositions"));
            Id = existing;
            Input = ContentForm.From(item);
            Message = item.ModerationMessage;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromQuery(Name = "id")] Guid? id, CancellationToken ct)
    {
        Id = id;
        Input.Kind = ContentKind.GoodPractice;
        try
        {
            var input = Input.ToInput() with { PublishUtc = null, UnpublishUtc = null };
            if (id is { } existing) await moderation.ResubmitAsync(existing, input, Author, WorkflowActor.FromPrincipal(User), ct);
            else await moderation.ProposeAsync(input, Author, WorkflowActor.FromPrincipal(User), ct);
            TempData["Proposed"] = "Merci : votre bonne pratique est transmise à l'équipe éditoriale du portail, qui la relira avant publication.";
            return Redirect(Url.Content("~/bonnes-pratiques/mes-propositions"));
        }
        catch (ValidationFailedException ex)
        {
            ContentForm.AddErrors(ModelState, ex);
            return Page();
        }
    }
}
