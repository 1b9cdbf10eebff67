namespace Formation.Identity.Organisations;

/// <summary>French establishment number: 14 digits whose Luhn key is valid (La Poste's establishments use their own rule).</summary>
public static class Siret
{
    private const string LaPosteSiren = "356000000";

    public static string Normalize(string? value) => new((value ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());

    public static bool IsValid(string? value)
    {
        var siret = Normalize(value);
        if (siret.Length != 14 || !siret.All(char.IsAsciiDigit)) return false;
        if (siret.StartsWith(LaPosteSiren, StringComparison.Ordinal) && siret != "35600000000048")
            return siret.Sum(c => c - '0') % 5 == 0;
        return Luhn(siret);
    }

    public static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
