using System.Text.Json;
using System.Text.Json.Nodes;
using Formation.Shell.Recipes;

namespace Formation.Tests.Support;

/// <summary>A fresh portal for one test class, made through the real recipe steps, with one account per role.</summary>
public sealed class TestPortal
{
    public const string Password = "Mot-de-passe-test-2026";

    public TestPortal(string prefix)
    {
        Id = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        Host = $"{Id}.test.localhost";
    }

    public string Id { get; }
    public string Host { get; }
    public string Email(string role) => $"{role}@{Id}.test";

    /// <param name="oidc">The portal's single sign-on settings (the settings step's "oidc" object), or none.</param>
    public RecipeDocument Recipe(IEnumerable<string>? features = null, string theme = "dsfr", object? oidc = null) => new()
    {
        Name = "test-" + Id,
        Steps =
        [
            Step(new { name = "roles" }),
            Step(new { name = "tenants", tenants = new[] { new { id = Id, name = "Portail " + Id, hosts = new[] { Host }, urlPrefix = Id, theme } } }),
            oidc is null
                ? Step(new { name = "settings", tenant = Id, brand = new { siteTitle = "Site " + Id, primaryColor = "#123456" } })
                : Step(new { name = "settings", tenant = Id, brand = new { siteTitle = "Site " + Id, primaryColor = "#123456" }, oidc }),
            Step(new { name = "features", tenant = Id, enable = (features ?? ["Formation.Identity.Registration"]).ToArray() }),
            Step(new
            {
                name = "organisations", tenant = Id,
                organisations = new object[]
                {
                    new { key = "employeur", kind = "Employer", name = "Employeur " + Id, siret = "77587654300015", employerType = "Association" },
                    new { key = "organisme", kind = "TrainingInstitute", name = "Organisme " + Id, siret = "77598765400032", activityDeclarationNumber = "11755555575", qualiopi = true, vatExempt = true },
                },
            }),
            Step(new
            {
                name = "users", tenant = Id,
                users = Formation.Shell.Security.Roles.All.Where(r => r != Formation.Shell.Security.Roles.PlatformAdmin)
                    .Select(r => new
                    {
                        email = Email(r), displayName = $"{r} {Id}", password = Password, roles = new[] { r },
                        organisation = r == "institute-publisher" ? "organisme" : r == "employer-manager" ? "employeur" : null,
                    }).ToArray(),
            }),
        ],
    };

    public static JsonObject Step(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();
}
