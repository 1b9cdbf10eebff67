using System.Globalization;
using System.Text;
using System.Text.Json;
using Formation.Shell.Validation;

namespace Formation.NationalCatalog;

/// <summary>
/// Which national trainings the platform shows: one matching any rule is ASE-relevant. Certification codes are
/// written with their register ("RNCP37676", "RS5641"); NSF codes match by their three digits; keywords are looked
/// for in the training's and the certification's titles, ignoring case and accents.
/// </summary>
public sealed record RelevanceRules
{
    public IReadOnlyList<string> CertificationCodes { get; init; } = [];
    public IReadOnlyList<string> NsfCodes { get; init; } = [];
    public IReadOnlyList<string> Formacodes { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];

    public static readonly RelevanceRules Default = new()
    {
        // The ASE diplomas (see domain facts): DEES, DEASS, DEEJE, DEAF, DEME (and its older code), CAFERUIS.
        CertificationCodes = ["RNCP37676", "RNCP37675", "RNCP41748", "RNCP37679", "RNCP41745", "RNCP39793", "RNCP41758", "RNCP39643", "RNCP492", "RNCP36836"],
        NsfCodes = ["332"],
        Formacodes = ["44032", "44072", "44092", "44083", "44011", "44050", "44006", "44042"],
        Keywords = ["protection de l'enfance", "aide sociale à l'enfance", "assistant familial", "famille d'accueil", "mineurs non accompagnés", "enfance en danger"],
    };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The rules as edited (one value per line), normalised and checked; errors in French, by field.</summary>
    public static RelevanceRules Parse(string? certifications, string? nsf, string? formacodes, string? keywords)
    {
        var errors = new ValidationErrors();
        static List<string> Lines(string? text) => (text ?? "").Split('\n', ',').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var certs = Lines(certifications).Select(c => c.ToUpperInvariant().Replace(" ", "")).ToList();
        foreach (var bad in certs.Where(c => !IsCertificationCode(c)))
            errors.Add("Certifications", $"« {bad} » n'est pas un code de certification : RNCP ou RS suivi de chiffres (ex. RNCP37676, RS5641).");
        var nsfCodes = Lines(nsf);
        foreach (var bad in nsfCodes.Where(c => c.Length < 3 || !c[..3].All(char.IsAsciiDigit) || c.Length > 4))
            errors.Add("Nsf", $"« {bad} » n'est pas un code NSF (trois chiffres, ex. 332).");
        var formacodeList = Lines(formacodes);
        foreach (var bad in formacodeList.Where(c => c.Length != 5 || !c.All(char.IsAsciiDigit)))
            errors.Add("Formacodes", $"« {bad} » n'est pas un Formacode (cinq chiffres, ex. 44032).");
        var words = Lines(keywords);
        foreach (var bad in words.Where(w => Fold(w).Length < 4 || w.Length > 100))
            errors.Add("Keywords", $"Le mot-clé « {bad} » doit compter de 4 à 100 caractères.");
        if (certs.Count + nsfCodes.Count + formacodeList.Count + words.Count == 0)
            errors.Add("Certifications", "Indiquez au moins une règle : sans règle, aucune formation nationale ne serait présentée.");
        errors.ThrowIfAny();
        return new RelevanceRules { CertificationCodes = certs, NsfCodes = nsfCodes, Formacodes = formacodeList, Keywords = words };
    }

    private static bool IsCertificationCode(string code) =>
        (code.StartsWith("RNCP", StringComparison.Ordinal) && code.Length > 4 && code[4..].All(char.IsAsciiDigit)) ||
        (code.StartsWith("RS", StringComparison.Ordinal) && code.Length > 2 && code[2..].All(char.IsAsciiDigit));

    /// <summary>A compiled form of the rules, for testing many trainings.</summary>
    public Matcher Compile() => new(this);

    public sealed class Matcher
    {
        private readonly HashSet<string> _certifications;
        private readonly HashSet<string> _nsf;
        private readonly HashSet<string> _formacodes;
        private readonly string[] _keywords;

        internal Matcher(RelevanceRules rules)
        {
            _certifications = rules.CertificationCodes.ToHashSet(StringComparer.OrdinalIgnoreCase);
            _nsf = rules.NsfCodes.Select(c => c[..3]).ToHashSet();
            _formacodes = rules.Formacodes.ToHashSet();
            _keywords = rules.Keywords.Select(Fold).ToArray();
        }

        /// <param name="formacodes">Space-separated, as stored.</param>
        /// <param name="nsfCodes">Space-separated, as stored.</param>
        public bool IsRelevant(string? codeRncp, string? codeRs, string? formacodes, string? nsfCodes, string? title, string? certificationTitle)
        {
            if (codeRncp is not null && _certifications.Contains("RNCP" + codeRncp)) return true;
            if (codeRs is not null && _certifications.Contains("RS" + codeRs)) return true;
            foreach (var code in Split(formacodes)) if (_formacodes.Contains(code)) return true;
            foreach (var code in Split(nsfCodes)) if (code.Length >= 3 && _nsf.Contains(code[..3])) return true;
            if (_keywords.Length == 0) return false;
            var text = Fold(title + " " + certificationTitle);
            foreach (var keyword in _keywords) if (text.Contains(keyword, StringComparison.Ordinal)) return true;
            return false;
        }

        private static string[] Split(string? codes) => string.IsNullOrEmpty(codes) ? [] : codes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Lower case, no accents, apostrophes and dashes as spaces, single spaces.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c)) { builder.Append(char.ToLowerInvariant(c)); space = false; }
            else if (!space && builder.Length > 0) { builder.Append(' '); space = true; }
        }
        return builder.ToString().TrimEnd();
    }
}
