using Formation.Content.Data;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Content.Pages.Admin;

[Authorize(Policy = Policies.TenantAdmin)]
[RequestSizeLimit(MediaLibrary.MaxPdfBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = MediaLibrary.MaxPdfBytes + 1024 * 1024)]
public sealed class MediasModel(MediaLibrary library) : PageModel
{
    public IReadOnlyList<ContentMedia> Media { get; private set; } = [];
    [TempData] public string? Uploaded { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Media = await library.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? altText, CancellationToken ct)
    {
        try
        {
            if (file is null || file.Length == 0) throw new ValidationFailedException("File", "Choisissez un fichier.");
            if (file.Length > MediaLibrary.MaxPdfBytes) throw new ValidationFailedException("File", "Un fichier pèse 20 Mo au plus (5 Mo pour une image).");
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var media = await library.UploadAsync(file.FileName, buffer.ToArray(), altText, ct);
            Uploaded = $"« {media.FileName} » ajouté à la médiathèque.";
            return RedirectToPage();
        }
        catch (ValidationFailedException ex)
        {
            foreach (var (field, messages) in ex.Errors) foreach (var m in messages) ModelState.AddModelError(field, m);
            Media = await library.ListAsync(ct);
            return Page();
        }
    }
}
