using Formation.Content.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.Admin;

[Authorize(Policy = Policies.TenantAdmin)]
public sealed class MenuModel(ContentMenus menus) : PageModel
{
    public sealed class Entry
    {
        public Guid? Id { get; set; }
        public string? Text { get; set; }
        public string? Url { get; set; }
        public Guid? ParentId { get; set; }
        public int Order { get; set; }
        public bool Delete { get; set; }
    }

    [BindProperty] public List<Entry> Entries { get; set; } = [];
    [TempData] public string? Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        Entries = (await menus.ListAsync(ct)).Select(m => new Entry { Id = m.Id, Text = m.Text, Url = m.Url, ParentId = m.ParentId, Order = m.Order }).ToList();
        Entries.Add(new Entry { Order = Entries.Count == 0 ? 1 : Entries.Max(e => e.Order) + 1 });
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            // A new line gets its id now, so that a child can name it as parent in the same save.
            await menus.SaveAsync(Entries.Select(e => new MenuEntryInput(e.Id, e.Text, e.Url, e.ParentId, e.Order, e.Delete)).ToList(), ct);
            Saved = "Menu enregistré.";
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            foreach (var (field, messages) in ex.Errors) foreach (var m in messages) ModelState.AddModelError(field, m);
            return Page();
        }
    }
}
