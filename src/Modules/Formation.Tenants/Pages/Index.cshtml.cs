using Formation.Shell.Modules;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Tenants.Pages;

public sealed class AccueilModel(TenantContext tenant, FeatureService features, Formation.Shell.Web.ZoneService zones) : PageModel
{
    /// <summary>Whether another module fills the home page (through the shell's zone, without Tenants knowing which).</summary>
    public bool Composed => zones.Any(Formation.Shell.Web.Zones.PortalHome, tenant.Required);

    public TenantInfo Tenant => tenant.Required;
    public bool CanRegister => features.IsEnabled(tenant.Required, "Formation.Identity.Registration");

    public static readonly (string Title, string Text, string Icon)[] Audiences =
    [
        ("Professionnel·les", "Des modules courts, en ligne, pour actualiser vos pratiques auprès des enfants et des familles.", "fr-icon-user-heart-line"),
        ("Employeurs", "Achetez des places pour vos équipes et abondez leur compte personnel de formation.", "fr-icon-building-line"),
        ("Organismes de formation", "Publiez vos modules en marque blanche, relus par des expert·es.", "fr-icon-book-2-line"),
        ("Départements et fédérations", "Un portail à vos couleurs pour suivre les besoins de formation du territoire.", "fr-icon-government-line"),
    ];
}
