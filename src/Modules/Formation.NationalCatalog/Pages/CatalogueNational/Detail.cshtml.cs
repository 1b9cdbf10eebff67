using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.NationalCatalog.Pages.CatalogueNational;

/// <summary>A national training the platform shows, with the way to buy it on Mon Compte Formation.</summary>
public sealed class DetailModel(NationalCatalogue catalogue, McfLinks links) : PageModel
{
    public NationalTrainingDto Training { get; private set; } = null!;
    public string McfUrl { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string numero, CancellationToken ct)
    {
        if (numero.Length > 200 || await catalogue.FindShownAsync(numero, ct) is not { } training) return NotFound();
        Training = training;
        McfUrl = training.Source == Import.CatalogueSync.CpfSource ? links.For(training.NumeroFormation, training.Title) : links.Search(training.Title);
        return Page();
    }
}
