using System.Globalization;
using System.Text.RegularExpressions;

namespace Formation.NationalCatalog.TopUp;

/// <summary>
/// The label of the bank transfer that funds a CPF top-up on EDEF: <c>CPF-SIREN-CVCV-JJMMAA</c> — the employer's
/// SIREN, four letters alternating consonant and vowel that EDEF generates iteratively and renews each day
/// (BABA, BABE, …), and the date the request was confirmed. Rights are credited only when the label matches.
/// </summary>
public static partial class CpfTransferLabel
{
    private const string Consonants = "BCDFGHJKLMNPQRSTVWXZ";
    private const string Vowels = "AEIOUY";

    public static string Create(string siren, string code, DateOnly confirmedOn)
    {
        if (!IsSiren(siren)) throw new ArgumentException("Le SIREN doit compter 9 chiffres.", nameof(siren));
        code = code.Trim().ToUpperInvariant();
        if (!IsEdefCode(code)) throw new ArgumentException("Le code EDEF compte quatre lettres : consonne, voyelle, consonne, voyelle (ex. BABA).", nameof(code));
        return $"CPF-{siren}-{code}-{confirmedOn.ToString("ddMMyy", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The label with the parts not known yet shown as placeholders (before the request is confirmed on EDEF).</summary>
    public static string Template(string siren) => $"CPF-{siren}-CVCV-JJMMAA";

    public static bool IsValid(string label)
    {
        var match = Pattern().Match(label);
        return match.Success && DateOnly.TryParseExact(match.Groups["date"].Value, "ddMMyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    public static bool IsSiren(string? siren) => siren is { Length: 9 } && siren.All(char.IsAsciiDigit);

    public static bool IsEdefCode(string? code) =>
        code is { Length: 4 } && Consonants.Contains(code[0]) && Vowels.Contains(code[1]) && Consonants.Contains(code[2]) && Vowels.Contains(code[3]);

    /// <summary>The SIREN is the first nine digits of the SIRET.</summary>
    public static string SirenOf(string siret) => siret.Length >= 9 ? siret[..9] : siret;

    [GeneratedRegex("^CPF-[0-9]{9}-[BCDFGHJKLMNPQRSTVWXZ][AEIOUY][BCDFGHJKLMNPQRSTVWXZ][AEIOUY]-(?<date>[0-9]{6})$")]
    private static partial Regex Pattern();
}
