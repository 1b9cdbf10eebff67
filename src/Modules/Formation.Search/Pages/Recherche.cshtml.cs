using Formation.Search.Querying;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Search.Pages;

/// <summary>The portal's search page: one GET form (text, facet checkboxes, sort), results as cards, pagination.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Formation.Shell.Web.AnonymousPageCache.PolicyName)]
public sealed class RechercheModel(ModuleSearch search) : PageModel
{
    public SearchParameters Parameters { get; private set; } = new();
    public SearchResults? Results { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync([FromQuery] SearchParameters parameters, CancellationToken ct)
    {
        Parameters = parameters;
        try { Results = await search.SearchAsync(parameters.ToQuery(), ct); }
        catch (ValidationFailedException ex) { Error = ex.Message; }
        // A search that found nothing is counted for the needs watch each time it is made: never served from the cache.
        if (Results is not { Total: > 0 }) Formation.Shell.Web.AnonymousPageCache.DoNotStore(HttpContext);
    }

    public string CurrentSort => string.IsNullOrWhiteSpace(Parameters.Tri) ? "pertinence" : Parameters.Tri;

    /// <summary>This search at another page.</summary>
    public string PageUrl(int page) =>
        Request.PathBase + Request.Path + QueryString.Create(
            Request.Query.Where(p => p.Key != "page").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
                .Append(KeyValuePair.Create("page", (string?)page.ToString())));

    /// <summary>The page numbers to link: the first, the last and two around the current one (0 marks a gap).</summary>
    public IEnumerable<int> PageNumbers()
    {
        if (Results is null) yield break;
        var (current, last) = (Results.Page, Results.PageCount);
        var previous = 0;
        for (var n = 1; n <= last; n++)
        {
            if (n != 1 && n != last && Math.Abs(n - current) > 2) continue;
            if (n - previous > 1) yield return 0;
            yield return previous = n;
        }
    }
}
