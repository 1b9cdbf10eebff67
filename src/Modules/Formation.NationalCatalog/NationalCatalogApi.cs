using Formation.NationalCatalog.Lheo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Formation.NationalCatalog;

/// <summary>A national training as the API returns it: <c>mcfUrl</c> opens it on Mon Compte Formation, <c>url</c> is its page here.</summary>
public sealed record NationalTrainingResponse(
    string NumeroFormation, string Source, string Title, string? OrganisationName, string? Siret, string? CertificationType,
    string? CertificationCode, string? CertificationTitle, string? Level, IReadOnlyList<string> Formacodes, IReadOnlyList<string> NsfCodes,
    IReadOnlyList<Place> Departements, IReadOnlyList<Place> Regions, bool DistanceLearning, int? HoursMin, int? HoursMax,
    decimal? PriceMin, decimal? PriceMax, int Actions, int ActiveSessions, bool CpfEligible,
    string? HighlightsHtml, string? ObjectivesHtml, string? ContentHtml, string? ResultsHtml, string? DataDate, string McfUrl, string Url);

public static class NationalCatalogApi
{
    public static void MapNationalCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/national-catalogue/{numeroFormation}", async Task<Results<Ok<NationalTrainingResponse>, ProblemHttpResult>> (
                string numeroFormation, NationalCatalogue catalogue, McfLinks links, HttpContext http, CancellationToken ct) =>
            {
                var training = numeroFormation.Length > 200 ? null : await catalogue.FindShownAsync(numeroFormation, ct);
                if (training is null)
                    return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Formation introuvable",
                        detail: "Cette formation du catalogue national n'existe pas, a été retirée ou ne relève pas de la protection de l'enfance.");
                return TypedResults.Ok(Response(training, links, http.Request.PathBase));
            })
            .AllowAnonymous()
            .WithName("GetNationalTraining").WithTags("Catalogue national")
            .WithSummary("Une formation du catalogue national (CPF) présentée par la plateforme, avec son lien Mon Compte Formation.")
            .WithDescription("Renvoie 404 pour une formation inconnue, retirée du catalogue ou jugée hors du champ de la protection de l'enfance.");

        endpoints.MapGet("/api/lheo", async (LheoExport export, HttpContext http, CancellationToken ct) =>
            {
                http.Response.ContentType = "application/xml; charset=utf-8";
                await export.WriteAsync(http.Response.Body, http.Request.Scheme + "://" + http.Request.Host + http.Request.PathBase, ct);
            })
            .AllowAnonymous()
            .WithName("LheoExport").WithTags("Catalogue national")
            .WithSummary("Les formations publiées par ce portail au format LHEO 2.3, pour l'agrégation par les Carif-Oref.")
            .Produces(StatusCodes.Status200OK, contentType: "application/xml");
    }

    public static NationalTrainingResponse Response(NationalTrainingDto t, McfLinks links, PathString pathBase) => new(
        t.NumeroFormation, t.Source, t.Title, t.OrganisationName, t.Siret, t.CertificationType, t.CertificationCode, t.CertificationTitle, t.Level,
        t.Formacodes, t.NsfCodes, t.Departements, t.Regions, t.DistanceLearning, t.HoursMin, t.HoursMax,
        t.PriceMinCents / 100m, t.PriceMaxCents / 100m, t.Actions, t.ActiveSessions, t.CpfEligible,
        t.HighlightsHtml, t.ObjectivesHtml, t.ContentHtml, t.ResultsHtml, t.DataDate,
        links.For(t.NumeroFormation, t.Title), pathBase + "/catalogue-national/" + Uri.EscapeDataString(t.NumeroFormation));
}
