namespace Formation.Tests.Support;

/// <summary>Fresh, valid (Luhn) SIRET numbers, so that test classes never collide on a portal.</summary>
public static class TestSiret
{
    private static int _next = Random.Shared.Next(100_000, 900_000);

    public static string Next()
    {
        var body = "81" + Interlocked.Increment(ref _next).ToString("D6") + "00001";
        for (var key = 0; key < 10; key++)
            if (Formation.Identity.Organisations.Siret.IsValid(body + key)) return body + key;
        throw new InvalidOperationException("unreachable: one key digit always satisfies Luhn");
    }
}
