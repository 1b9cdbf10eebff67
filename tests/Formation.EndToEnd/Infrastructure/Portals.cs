namespace Formation.EndToEnd.Infrastructure;

/// <summary>A portal of the demo recipe (recipes/demo.recipe.json), reached by its host name.</summary>
public sealed record Portal(string Key, string Host, string TenantId, string SiteTitle, string Theme)
{
    public override string ToString() => Key;
}

/// <summary>A demo account of a portal and what its header should show.</summary>
public sealed record DemoAccount(string Portal, string Email, string DisplayName, string Role)
{
    public override string ToString() => $"{Portal}/{Role}";
}

public static class Portals
{
    public const string Password = "Formation-demo-2026";

    public static readonly Portal Plateforme = new("plateforme", "localhost", "plateforme", "Formation", "dsfr");
    public static readonly Portal Departement = new("departement", "departement.localhost", "departement", "Former en protection de l'enfance", "dsfr");
    public static readonly Portal Federation = new("federation", "federation.localhost", "federation", "Campus Enfance & Familles", "horizon");

    public static readonly IReadOnlyList<Portal> All = [Plateforme, Departement, Federation];

    public static Portal Get(string key) => All.Single(p => p.Key == key);

    /// <summary>Entries of the administration menu, by who sees them.</summary>
    public static readonly IReadOnlyList<string> TenantAdminEntries = ["Marque et thème", "Organisations", "Comptes et invitations"];
    public const string PlatformEntry = "Portails";

    /// <summary>The five roles every portal has a demo account for, plus the platform operator.</summary>
    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        .. All.SelectMany(p => new[]
        {
            new DemoAccount(p.Key, $"apprenant@{p.TenantId}.formation.test", p == Plateforme ? "Camille Apprenant (plateforme)" : "Camille Apprenant", "learner"),
            new DemoAccount(p.Key, $"employeur@{p.TenantId}.formation.test", "Dominique Employeur", "employer-manager"),
            new DemoAccount(p.Key, $"editeur@{p.TenantId}.formation.test", "Sacha Éditeur", "institute-publisher"),
            new DemoAccount(p.Key, $"expert@{p.TenantId}.formation.test", "Alex Expert", "reviewer"),
            new DemoAccount(p.Key, $"admin@{p.TenantId}.formation.test", "Claude Administrateur", "tenant-admin"),
        }),
        new DemoAccount(Plateforme.Key, "operateur@plateforme.formation.test", "Morgane Opératrice", "platform-admin"),
    ];
}
