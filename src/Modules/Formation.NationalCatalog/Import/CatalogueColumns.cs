namespace Formation.NationalCatalog.Import;

/// <summary>The columns of the Caisse des Dépôts export the sync reads, with their names in both generations.</summary>
public enum Col
{
    DataDate, OrganisationName, DepartementName, RegionName, CertificationType, CodeRs, CodeRncp, CertificationTitle, Level,
    Formacode1, Formacode2, Formacode3, Formacode4, Formacode5, FormacodeLabel,
    Rome1, Rome2, Rome3, Rome4, Rome5,
    NsfLabel1, NsfLabel2, NsfLabel3, Nsf1, Nsf2, Nsf3,
    Certifinfo, Siret, NumeroFormation, Title, Highlights, Objectives, Content, Results,
    Actions, ActiveSessions, DistanceSessions, HoursMin, HoursMax, PriceMin, PriceMax, DepartementCode, RegionCode,
}

public static class CatalogueColumns
{
    public static readonly int Count = Enum.GetValues<Col>().Length;

    /// <summary>Column names per logical column: the 2025+ name first, then the older one.</summary>
    public static readonly IReadOnlyDictionary<Col, string[]> Names = new Dictionary<Col, string[]>
    {
        [Col.DataDate] = ["date_chargement", "date_extract"],
        [Col.OrganisationName] = ["nom_of"],
        [Col.DepartementName] = ["nom_departement"],
        [Col.RegionName] = ["nom_region"],
        [Col.CertificationType] = ["type_referentiel"],
        [Col.CodeRs] = ["code_rs", "code_inventaire"],
        [Col.CodeRncp] = ["code_rncp"],
        [Col.CertificationTitle] = ["intitule_certification"],
        [Col.Level] = ["libelle_niveau_sortie_formation"],
        [Col.Formacode1] = ["code_formacode_1"], [Col.Formacode2] = ["code_formacode_2"], [Col.Formacode3] = ["code_formacode_3"],
        [Col.Formacode4] = ["code_formacode_4"], [Col.Formacode5] = ["code_formacode_5"],
        [Col.FormacodeLabel] = ["libelle_code_formacode_principal"],
        [Col.Rome1] = ["code_rome_1"], [Col.Rome2] = ["code_rome_2"], [Col.Rome3] = ["code_rome_3"], [Col.Rome4] = ["code_rome_4"], [Col.Rome5] = ["code_rome_5"],
        [Col.NsfLabel1] = ["libelle_nsf_1"], [Col.NsfLabel2] = ["libelle_nsf_2"], [Col.NsfLabel3] = ["libelle_nsf_3"],
        [Col.Nsf1] = ["code_nsf_1"], [Col.Nsf2] = ["code_nsf_2"], [Col.Nsf3] = ["code_nsf_3"],
        [Col.Certifinfo] = ["code_certifinfo"],
        [Col.Siret] = ["siret_of", "siret"],
        [Col.NumeroFormation] = ["numero_formation"],
        [Col.Title] = ["intitule_formation"],
        [Col.Highlights] = ["points_forts"],
        [Col.Objectives] = ["objectif_formation"],
        [Col.Content] = ["contenu_formation"],
        [Col.Results] = ["resultats_attendus_formation"],
        [Col.Actions] = ["nb_action"],
        [Col.ActiveSessions] = ["nb_session_active"],
        [Col.DistanceSessions] = ["nb_session_a_distance"],
        [Col.HoursMin] = ["nombre_heures_total_min"],
        [Col.HoursMax] = ["nombre_heures_total_max"],
        [Col.PriceMin] = ["frais_ttc_tot_min"],
        [Col.PriceMax] = ["frais_ttc_tot_max"],
        [Col.DepartementCode] = ["code_departement"],
        [Col.RegionCode] = ["code_region"],
    };

    /// <summary>Without these a file is not the catalogue export.</summary>
    public static readonly Col[] Required = [Col.NumeroFormation, Col.Title];

    /// <summary>Formation-level text: the same on every row of a formation; hashed to tell changed text.</summary>
    public static readonly Col[] TextColumns =
    [
        Col.OrganisationName, Col.CertificationType, Col.CodeRs, Col.CodeRncp, Col.CertificationTitle, Col.Level,
        Col.Formacode1, Col.Formacode2, Col.Formacode3, Col.Formacode4, Col.Formacode5, Col.FormacodeLabel,
        Col.Rome1, Col.Rome2, Col.Rome3, Col.Rome4, Col.Rome5, Col.NsfLabel1, Col.NsfLabel2, Col.NsfLabel3, Col.Nsf1, Col.Nsf2, Col.Nsf3,
        Col.Certifinfo, Col.Siret, Col.Title, Col.Highlights, Col.Objectives, Col.Content, Col.Results,
    ];

    /// <summary>Codes: kept as strings; "-1" means absent; a float-formatted code ("30801.0") loses its ".0".</summary>
    public static readonly HashSet<Col> Codes =
    [
        Col.CodeRs, Col.CodeRncp, Col.Formacode1, Col.Formacode2, Col.Formacode3, Col.Formacode4, Col.Formacode5,
        Col.Nsf1, Col.Nsf2, Col.Nsf3, Col.Certifinfo, Col.DepartementCode, Col.RegionCode,
    ];

    public static readonly HashSet<Col> Numbers =
        [Col.Actions, Col.ActiveSessions, Col.DistanceSessions, Col.HoursMin, Col.HoursMax, Col.PriceMin, Col.PriceMax];
}
