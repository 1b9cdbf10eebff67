using System.Net;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Data;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Integration;

/// <summary>A request on portal A can neither read nor change portal B's rows.</summary>
[Collection(PlatformCollection.Name), Trait("Category", "Integration")]
public sealed class TenantIsolationTests(FormationFactory factory) : IAsyncLifetime
{
    private readonly TestPortal _a = new("iso-a");
    private readonly TestPortal _b = new("iso-b");

    public async Task InitializeAsync()
    {
        await factory.RunRecipeAsync(_a.Recipe());
        await factory.RunRecipeAsync(_b.Recipe());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Queries_only_see_the_current_portals_rows()
    {
        var (users, organisations) = await factory.InTenantAsync(_a.Id, async sp =>
        {
            var db = sp.GetRequiredService<IdentityDataContext>();
            return (await db.Users.Select(u => u.TenantId).Distinct().ToListAsync(), await db.Organisations.Select(o => o.TenantId).Distinct().ToListAsync());
        });
        Assert.Equal([_a.Id], users);
        Assert.Equal([_a.Id], organisations);
    }

    [Fact]
    public async Task Another_portals_row_cannot_be_changed_or_deleted()
    {
        var bOrganisation = await factory.InTenantAsync(_b.Id, sp => sp.GetRequiredService<IdentityDataContext>().Organisations.AsNoTracking().FirstAsync());
        var originalName = bOrganisation.Name;

        await Assert.ThrowsAsync<TenantIsolationException>(() => factory.InTenantAsync(_a.Id, async sp =>
        {
            var db = sp.GetRequiredService<IdentityDataContext>();
            db.Attach(bOrganisation);
            bOrganisation.Name = "Détourné";
            return await db.SaveChangesAsync();
        }));
        await Assert.ThrowsAsync<TenantIsolationException>(() => factory.InTenantAsync(_a.Id, async sp =>
        {
            var db = sp.GetRequiredService<IdentityDataContext>();
            db.Organisations.Remove(bOrganisation);
            return await db.SaveChangesAsync();
        }));
        await Assert.ThrowsAsync<TenantIsolationException>(() => factory.InTenantAsync(_a.Id, async sp =>
        {
            var db = sp.GetRequiredService<IdentityDataContext>();
            db.Organisations.Add(new Organisation { TenantId = _b.Id, Name = "Intrus", Siret = "73282932000074" });
            return await db.SaveChangesAsync();
        }));

        var unchanged = await factory.InTenantAsync(_b.Id, sp => sp.GetRequiredService<IdentityDataContext>().Organisations.AsNoTracking().FirstAsync(o => o.Id == bOrganisation.Id));
        Assert.Equal(originalName, unchanged.Name);
    }

    [Fact]
    public async Task An_account_of_portal_B_cannot_sign_in_on_portal_A()
    {
        var client = factory.ClientFor(_a.Host);
        var response = await client.LogInAsync(_b.Email("learner"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the form again, with an error
        Assert.Contains("Adresse électronique ou mot de passe incorrect", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_opened_on_portal_B_is_worthless_on_portal_A()
    {
        // Both portals reached by prefix on the same host: the browser sends B's cookie to A's paths too.
        await factory.EnsurePlatformAsync();
        var client = factory.ClientFor("localhost");
        var login = await client.SubmitAsync($"/{_b.Id}/connexion",
            new Dictionary<string, string> { ["Input.Email"] = _b.Email("tenant-admin"), ["Input.Password"] = TestPortal.Password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/{_b.Id}/admin/organisations")).StatusCode);

        var onA = await client.GetAsync($"/{_a.Id}/admin/organisations");
        Assert.Equal(HttpStatusCode.Redirect, onA.StatusCode);
        Assert.Contains("/connexion", onA.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_portal_admin_sees_and_creates_organisations_only_on_its_portal()
    {
        var client = factory.ClientFor(_a.Host);
        await client.LogInAsync(_a.Email("tenant-admin"), TestPortal.Password);
        var html = await client.GetStringAsync("/admin/organisations");
        Assert.Contains("Employeur " + _a.Id, html);
        Assert.DoesNotContain("Employeur " + _b.Id, html);

        var created = await client.SubmitAsync("/admin/organisations", new Dictionary<string, string>
        {
            ["Input.Kind"] = "Employer", ["Input.Name"] = "Nouvelle association " + _a.Id, ["Input.Siret"] = "73282932000074", ["Input.EmployerType"] = "Association",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var bNames = await factory.InTenantAsync(_b.Id, sp => sp.GetRequiredService<IdentityDataContext>().Organisations.Select(o => o.Name).ToListAsync());
        Assert.DoesNotContain("Nouvelle association " + _a.Id, bNames);
    }

    [Theory]
    [InlineData("/admin/organisations")]
    [InlineData("/admin/comptes")]
    [InlineData("/admin/marque")]
    [InlineData("/plateforme/portails")]
    public async Task Admin_pages_refuse_anonymous_visitors_and_learners(string path)
    {
        var anonymous = await factory.ClientFor(_a.Host).GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/connexion", anonymous.Headers.Location!.ToString());

        var learner = factory.ClientFor(_a.Host);
        await learner.LogInAsync(_a.Email("learner"), TestPortal.Password);
        var refused = await learner.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/acces-refuse", refused.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_portal_admin_is_not_a_platform_operator()
    {
        var admin = factory.ClientFor(_a.Host);
        await admin.LogInAsync(_a.Email("tenant-admin"), TestPortal.Password);
        var response = await admin.GetAsync("/plateforme/portails");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/acces-refuse", response.Headers.Location!.ToString());
    }
}
