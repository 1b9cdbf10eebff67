using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Host.Pages;

/// <summary>The French error page for people (APIs answer RFC 9457 problem details instead).</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErreurModel : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Message { get; private set; } = "";
    public string? RequestId { get; private set; }

    // The status comes from the route only: a re-executed POST keeps its form, whose "code" field (an OIDC callback's) must not bind here.
    public void OnGet([FromRoute] int? code) => Set(code);
    public void OnPost([FromRoute] int? code) => Set(code);

    private void Set(int? code)
    {
        Code = code ?? 500;
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null && code is null) Code = 500;
        (Title, Message) = Code switch
        {
            404 => ("Page non trouvée", "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée."),
            403 => ("Accès refusé", "Vous n'avez pas les droits nécessaires pour ouvrir cette page."),
            400 => ("Requête invalide", "La demande envoyée n'a pas pu être comprise."),
            >= 500 => ("Erreur inattendue", "Désolé, le service rencontre un problème ; nous y travaillons pour le résoudre le plus rapidement possible."),
            _ => ("Erreur", "La demande n'a pas abouti."),
        };
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        Response.StatusCode = Code;
    }
}
