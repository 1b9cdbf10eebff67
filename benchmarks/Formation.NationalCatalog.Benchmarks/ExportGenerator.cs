using System.Globalization;
using System.Text;

namespace Formation.NationalCatalog.Benchmarks;

/// <summary>
/// Writes a catalogue-shaped export in the raw 2025 layout (";"-separated, UTF-8 with a byte-order mark): one row per
/// formation × département, about 1.85 rows per formation, long quoted texts with ";", doubled quotes and line breaks,
/// HTML highlights, "-1" sentinels, SIRETs with leading zeros, about 1 % of formations relevant to child protection.
/// Deterministic for a seed.
/// </summary>
public static class ExportGenerator
{
    public static readonly string[] Columns =
    [
        "date_chargement", "nom_of", "nom_departement", "nom_region", "type_referentiel", "code_rs", "code_rncp", "intitule_certification",
        "libelle_niveau_sortie_formation", "code_formacode_1", "code_formacode_2", "code_formacode_3", "code_formacode_4", "code_formacode_5",
        "libelle_code_formacode_principal", "code_rome_1", "code_rome_2", "code_rome_3", "code_rome_4", "code_rome_5",
        "libelle_nsf_1", "libelle_nsf_2", "libelle_nsf_3", "code_nsf_1", "code_nsf_2", "code_nsf_3", "code_certifinfo", "siret_of",
        "numero_formation", "intitule_formation", "points_forts", "objectif_formation", "contenu_formation", "resultats_attendus_formation",
        "nb_action", "nb_session_active", "nb_session_a_distance", "nombre_heures_total_min", "nombre_heures_total_max", "nombre_heures_total_mean",
        "frais_ttc_tot_min", "frais_ttc_tot_max", "frais_ttc_tot_mean", "code_departement", "code_region", "nbaction_nbheures", "coderegion_export",
    ];

    private static readonly string[] Words =
        ("accompagnement formation compétences professionnelles certification pratique analyse situation projet équipe méthode outils " +
         "communication gestion sécurité qualité relation usager public enfant famille travail social éducatif évaluation module séquence " +
         "apprentissage entreprise numérique bureautique langue anglais management comptabilité vente réglementation prévention santé").Split(' ');

    private static readonly (string Code, string Name, string Region)[] Places =
    [
        ("01", "Ain", "84"), ("06", "Alpes-Maritimes", "93"), ("13", "Bouches-du-Rhône", "93"), ("2A", "Corse-du-Sud", "94"), ("31", "Haute-Garonne", "76"),
        ("33", "Gironde", "75"), ("34", "Hérault", "76"), ("35", "Ille-et-Vilaine", "53"), ("44", "Loire-Atlantique", "52"), ("59", "Nord", "32"),
        ("62", "Pas-de-Calais", "32"), ("67", "Bas-Rhin", "44"), ("69", "Rhône", "84"), ("75", "Paris", "11"), ("76", "Seine-Maritime", "28"),
        ("92", "Hauts-de-Seine", "11"), ("93", "Seine-Saint-Denis", "11"), ("974", "La Réunion", "04"),
    ];

    public static (long Rows, int Formations, long Bytes) Write(string path, long targetBytes, int formations, int seed)
    {
        var random = new Random(seed);
        long rows = 0;
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 20))
        {
            writer.Write(string.Join(';', Columns));
            writer.Write('\n');
            var values = new string[Columns.Length];
            // Text length per formation, tuned so that the file reaches its target size.
            var bytesPerRow = targetBytes / (formations * 1.85);
            var textWords = Math.Max(10, (int)((bytesPerRow - 500) / 4 / 6.8));
            for (var f = 0; f < formations; f++)
            {
                // One provider in seven has a SIRET starting with 0 (kept as a string, never as a number).
                var siret = ((f % 7 == 0 ? 0L : 10_000_000_000_000L) + f * 7919L % 9_999_999_999_999L).ToString("D14", CultureInfo.InvariantCulture);
                var relevant = f % 97 == 0;
                var rs = random.Next(3) == 0;
                var title = relevant ? "Protection de l'enfance : " + Sentence(random, 6) : Capitalise(Sentence(random, 4 + random.Next(6)));
                values[0] = "2026-11-25";
                values[1] = "Organisme \"" + Sentence(random, 2) + "\" ; formation";
                values[4] = rs ? "RS" : "RNCP";
                values[5] = rs ? random.Next(1000, 7000).ToString(CultureInfo.InvariantCulture) : "-1";
                values[6] = rs ? "-1" : (relevant && f % 2 == 0 ? "37676" : random.Next(30000, 40000).ToString(CultureInfo.InvariantCulture));
                values[7] = "Certification " + Sentence(random, 5);
                values[8] = rs ? "Sans niveau spécifique" : "Niveau " + random.Next(3, 8);
                values[9] = relevant ? "44032" : random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
                for (var i = 10; i <= 13; i++) values[i] = random.Next(4) == 0 ? random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture) : "";
                values[14] = Sentence(random, 3);
                for (var i = 15; i <= 19; i++) values[i] = random.Next(3) == 0 ? "K" + random.Next(1000, 2999) : "";
                values[20] = relevant ? "Travail social" : Sentence(random, 3);
                values[21] = values[22] = "";
                values[23] = relevant ? "332" : random.Next(100, 999).ToString(CultureInfo.InvariantCulture);
                values[24] = values[25] = "";
                values[26] = random.Next(10000, 200000).ToString(CultureInfo.InvariantCulture);
                values[27] = siret;
                values[28] = siret + "_F" + f.ToString(CultureInfo.InvariantCulture);
                values[29] = title;
                values[30] = "<ul><li>" + Sentence(random, 8) + "</li>\n<li>Formateurs « experts » ; suivi \"individuel\"</li>\n<li>" + Sentence(random, 6) + "</li></ul>";
                values[31] = Paragraphs(random, textWords);
                values[32] = Paragraphs(random, textWords);
                values[33] = Paragraphs(random, textWords / 3);
                var hours = random.Next(7, 800);
                var price = Math.Round(random.NextDouble() * 6000 + 200, 1);
                var placeCount = random.Next(100) switch { < 45 => 1, < 80 => 2, < 95 => 3, _ => 4 };
                for (var p = 0; p < placeCount; p++)
                {
                    var distance = p == placeCount - 1 && random.Next(5) == 0;
                    var place = Places[random.Next(Places.Length)];
                    values[2] = distance ? "" : place.Name;
                    values[3] = distance ? "" : "Région " + place.Region;
                    values[34] = random.Next(1, 5).ToString(CultureInfo.InvariantCulture);
                    values[35] = random.Next(0, 12).ToString(CultureInfo.InvariantCulture);
                    values[36] = distance ? "1" : "0";
                    values[37] = hours.ToString(CultureInfo.InvariantCulture);
                    values[38] = (hours + random.Next(0, 50)).ToString(CultureInfo.InvariantCulture);
                    values[39] = hours.ToString(CultureInfo.InvariantCulture);
                    values[40] = price.ToString("0.0", CultureInfo.InvariantCulture);
                    values[41] = (price + random.Next(0, 500)).ToString("0.0", CultureInfo.InvariantCulture);
                    values[42] = values[40];
                    values[43] = distance ? "" : place.Code;
                    values[44] = distance ? "" : place.Region;
                    values[45] = hours.ToString(CultureInfo.InvariantCulture);
                    values[46] = distance ? "" : place.Region;
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (i > 0) writer.Write(';');
                        WriteField(writer, values[i]);
                    }
                    writer.Write('\n');
                    rows++;
                }
            }
        }
        return (rows, formations, new FileInfo(path).Length);
    }

    private static void WriteField(StreamWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(";\"\n\r") < 0) { writer.Write(value); return; }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\""));
        writer.Write('"');
    }

    private static string Sentence(Random random, int words)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < words; i++) { if (i > 0) builder.Append(' '); builder.Append(Words[random.Next(Words.Length)]); }
        return builder.ToString();
    }

    private static string Paragraphs(Random random, int words)
    {
        var builder = new StringBuilder();
        while (words > 0)
        {
            var n = Math.Min(words, 12 + random.Next(20));
            builder.Append(Capitalise(Sentence(random, n))).Append(random.Next(4) == 0 ? " ; « " + Sentence(random, 3) + " »." : ".");
            words -= n;
            if (words > 0) builder.Append(random.Next(3) == 0 ? "\n- " : " ");
        }
        return builder.ToString();
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
