using System.Text;

namespace Formation.Tests.NationalCatalog;

/// <summary>A training of a test export: one row per place (null = distance learning).</summary>
public sealed record ExportTraining(
    string Numero, string Siret, string Title, string Type = "RNCP", string CodeRncp = "-1", string CodeRs = "-1",
    string Formacode = "", string Nsf = "", string OrganisationName = "Organisme de test", string PointsForts = "",
    string Objectives = "", string HoursMin = "35", string HoursMax = "35", string PriceMin = "1200.0", string PriceMax = "1200.0",
    IReadOnlyList<(string? Code, string? Name, string? Region)>? Places = null);

/// <summary>Writes exports in the raw Caisse des Dépôts layout (";"-separated, quoted when needed), in either column generation.</summary>
public static class NationalCatalogueFiles
{
    public static readonly string[] Columns2025 =
    [
        "date_chargement", "nom_of", "nom_departement", "nom_region", "type_referentiel", "code_rs", "code_rncp", "intitule_certification",
        "libelle_niveau_sortie_formation", "code_formacode_1", "code_formacode_2", "code_formacode_3", "code_formacode_4", "code_formacode_5",
        "libelle_code_formacode_principal", "code_rome_1", "code_rome_2", "code_rome_3", "code_rome_4", "code_rome_5",
        "libelle_nsf_1", "libelle_nsf_2", "libelle_nsf_3", "code_nsf_1", "code_nsf_2", "code_nsf_3", "code_certifinfo", "siret_of",
        "numero_formation", "intitule_formation", "points_forts", "objectif_formation", "contenu_formation", "resultats_attendus_formation",
        "nb_action", "nb_session_active", "nb_session_a_distance", "nombre_heures_total_min", "nombre_heures_total_max", "nombre_heures_total_mean",
        "frais_ttc_tot_min", "frais_ttc_tot_max", "frais_ttc_tot_mean", "code_departement", "code_region", "nbaction_nbheures", "coderegion_export",
    ];

    /// <summary>The columns before 2025 (as in the shared sample, without pandas' index column).</summary>
    public static readonly string[] ColumnsBefore2025 =
    [
        "date_extract", "nom_of", "nom_departement", "nom_region", "type_referentiel", "code_inventaire", "code_rncp", "intitule_certification",
        "libelle_niveau_sortie_formation", "code_formacode_1", "code_formacode_2", "code_formacode_3", "code_formacode_4", "code_formacode_5",
        "libelle_code_formacode_principal", "libelle_nsf_1", "code_nsf_1", "code_certifinfo", "siret", "numero_formation", "intitule_formation",
        "points_forts", "nb_action", "nb_session_active", "nb_session_a_distance", "nombre_heures_total_min", "nombre_heures_total_max",
        "nombre_heures_total_mean", "frais_ttc_tot_min", "frais_ttc_tot_max", "frais_ttc_tot_mean", "code_departement", "code_region",
        "nbaction_nbheures", "coderegion_export",
    ];

    public static string Csv(IEnumerable<ExportTraining> trainings, bool before2025 = false, IEnumerable<string>? extraLines = null)
    {
        var columns = before2025 ? ColumnsBefore2025 : Columns2025;
        var text = new StringBuilder(string.Join(';', columns)).Append('\n');
        foreach (var t in trainings)
            foreach (var place in t.Places ?? [(null, null, null)])
            {
                var values = new Dictionary<string, string>
                {
                    ["date_chargement"] = "2026-11-25", ["date_extract"] = "2024-07-11", ["nom_of"] = t.OrganisationName,
                    ["nom_departement"] = place.Name ?? "", ["nom_region"] = place.Region is null ? "" : "Hauts-de-France",
                    ["type_referentiel"] = t.Type, ["code_rs"] = t.CodeRs, ["code_inventaire"] = t.CodeRs, ["code_rncp"] = t.CodeRncp,
                    ["intitule_certification"] = "Certification " + t.Title, ["code_formacode_1"] = t.Formacode, ["code_nsf_1"] = t.Nsf,
                    ["siret_of"] = t.Siret, ["siret"] = t.Siret, ["numero_formation"] = t.Numero, ["intitule_formation"] = t.Title,
                    ["points_forts"] = t.PointsForts, ["objectif_formation"] = t.Objectives, ["nb_action"] = "1", ["nb_session_active"] = "2",
                    ["nb_session_a_distance"] = place.Code is null ? "1" : "0",
                    ["nombre_heures_total_min"] = t.HoursMin, ["nombre_heures_total_max"] = t.HoursMax, ["nombre_heures_total_mean"] = t.HoursMin,
                    ["frais_ttc_tot_min"] = t.PriceMin, ["frais_ttc_tot_max"] = t.PriceMax, ["frais_ttc_tot_mean"] = t.PriceMin,
                    ["code_departement"] = place.Code ?? "", ["code_region"] = place.Region ?? "",
                };
                text.Append(string.Join(';', columns.Select(c => Quote(values.GetValueOrDefault(c, ""))))).Append('\n');
            }
        foreach (var line in extraLines ?? []) text.Append(line).Append('\n');
        return text.ToString();
    }

    public static string Quote(string value) =>
        value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public static string Write(string text, bool bom, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), "formation-tests", "national-" + Guid.NewGuid().ToString("N") + extension);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    /// <summary>A child-protection training (the DEES code) given in two départements and at a distance; its SIRET starts with 0.</summary>
    public static readonly ExportTraining Dees = new(
        "01234567800012_DEES-VAE", "01234567800012", "Accompagnement VAE du diplôme d'État d'éducateur spécialisé",
        CodeRncp: "37676", Formacode: "44092", Nsf: "332",
        PointsForts: "<ul><li>Formateurs « experts » du terrain;\nsuivi individuel</li></ul><script>alert('x')</script>",
        Objectives: "Obtenir le DEES\npar la VAE", HoursMin: "100", HoursMax: "400", PriceMin: "1500.0", PriceMax: "3200.5",
        Places: [("59", "Nord", "32"), ("62", "Pas-de-Calais", "32"), (null, null, null)]);

    /// <summary>Relevant by its Formacode only (44032, aide sociale à l'enfance), an RS certification.</summary>
    public static readonly ExportTraining ChildProtection = new(
        "98765432100019_PROT-ENF", "98765432100019", "Repérer les situations de danger", Type: "RS", CodeRs: "5641",
        Formacode: "44032", Places: [("2A", "Corse-du-Sud", "94")]);

    /// <summary>Not relevant: an office-software certification.</summary>
    public static readonly ExportTraining Spreadsheet = new(
        "11122233300014_EXCEL", "11122233300014", "Tableur niveau avancé", Type: "RS", CodeRs: "5252", Formacode: "70322", Nsf: "326",
        Places: [("75", "Paris", "11")]);
}
