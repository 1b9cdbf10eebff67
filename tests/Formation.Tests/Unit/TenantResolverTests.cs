using Formation.Shell.Tenancy;

namespace Formation.Tests.Unit;

public class TenantResolverTests
{
    private static readonly TenantInfo Platform = new() { Id = TenantInfo.PlatformId, Name = "P", Hosts = ["localhost", "127.0.0.1"] };
    private static readonly TenantInfo Departement = new() { Id = "departement", Name = "D", Hosts = ["departement.localhost"], UrlPrefix = "departement" };
    private static readonly TenantInfo Federation = new() { Id = "federation", Name = "F", Hosts = ["federation.example.org"], UrlPrefix = "federation" };
    private static readonly TenantInfo[] All = [Platform, Departement, Federation];

    [Theory]
    [InlineData("localhost", "/", "plateforme", null)]
    [InlineData("127.0.0.1", "/connexion", "plateforme", null)]
    [InlineData("DEPARTEMENT.localhost", "/", "departement", null)]
    [InlineData("federation.example.org", "/compte", "federation", null)]
    [InlineData("localhost", "/departement", "departement", "/departement")]
    [InlineData("localhost", "/departement/connexion", "departement", "/departement")]
    [InlineData("127.0.0.1", "/federation/", "federation", "/federation")]
    [InlineData("localhost", "/departementale", "plateforme", null)]
    public void Resolves_by_host_then_prefix(string host, string path, string expected, string? pathBase)
    {
        var match = TenantResolver.Resolve(All, host, path);
        Assert.NotNull(match);
        Assert.Equal(expected, match.Tenant.Id);
        Assert.Equal(pathBase, match.PathBase);
    }

    [Theory]
    [InlineData("inconnu.localhost", "/")]
    [InlineData("evil.example.org", "/departement/")]
    [InlineData("federation.example.org.evil", "/")]
    public void An_unknown_host_resolves_to_nothing(string host, string path) =>
        Assert.Null(TenantResolver.Resolve(All, host, path));
}
