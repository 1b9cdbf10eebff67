using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Shell.Events;
using Formation.Shell.Recipes;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Commerce;

/// <summary>One host with Stripe pointed at the local Stripe test server, shared by the Commerce test classes.</summary>
public sealed class CommerceFixture : IAsyncLifetime
{
    public StripeTestServer Stripe { get; private set; } = null!;
    public FormationFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await StripeTestServer.StartAsync();
        Factory = new FormationFactory();
        foreach (var (k, v) in Stripe.Settings()) Factory.Settings[k] = v;
        _ = Factory.Services;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CommerceCollection : ICollectionFixture<CommerceFixture>
{
    public const string Name = "commerce";
}

public static partial class CommerceTestSupport
{
    public static readonly string[] Features = ["Formation.Identity.Registration", "Formation.Catalog", "Lrs", "Learning", "Commerce"];

    /// <summary>A portal with Commerce on: a VAT-exempt institute's paid module (with the sample cmi5 course), a second institute subject to VAT, employees of the employer.</summary>
    public static RecipeDocument Recipe(TestPortal portal, int employees = 4)
    {
        var recipe = portal.Recipe(features: Features);
        var steps = recipe.Steps.ToList();
        steps.Add(TestPortal.Step(new
        {
            name = "organisations", tenant = portal.Id,
            organisations = new object[]
            {
                new { key = "organisme-tva", kind = "TrainingInstitute", name = "Organisme assujetti " + portal.Id, siret = TestSiret.Next(), activityDeclarationNumber = "11755555576", qualiopi = true, vatExempt = false },
                new { key = "departement", kind = "Employer", name = "Département " + portal.Id, siret = TestSiret.Next(), employerType = "Departement" },
            },
        }));
        steps.Add(TestPortal.Step(new
        {
            name = "users", tenant = portal.Id,
            users = Enumerable.Range(1, employees).Select(i => new { email = Employee(portal, i), displayName = $"Salarié {i}", password = TestPortal.Password, roles = new[] { "learner" }, organisation = "employeur" })
                .Append(new { email = DepartementManager(portal), displayName = "Acheteuse du Département", password = TestPortal.Password, roles = new[] { "employer-manager" }, organisation = "departement" })
                .ToArray(),
        }));
        steps.Add(TestPortal.Step(new
        {
            name = "modules", tenant = portal.Id,
            modules = new object[]
            {
                new { slug = "module-payant", publisher = "organisme", title = "Module payant", summary = "Accompagné.", description = "Payant.", themes = new[] { "fondamentaux-ase" }, format = "Accompanied", durationHours = 7m, prices = new { individual = 90m, employerSeat = 80m, instituteLicence = 500m }, publish = true },
                new { slug = "module-tva", publisher = "organisme-tva", title = "Module avec TVA", summary = "Accompagné.", description = "Payant.", themes = new[] { "fondamentaux-ase" }, format = "Accompanied", durationHours = 3m, prices = new { individual = 50m, employerSeat = 40.5m, instituteLicence = 300m }, publish = true },
            },
        }));
        steps.Add(TestPortal.Step(new { name = "packages", tenant = portal.Id, packages = new[] { new { module = "module-payant", file = "media/generated/cmi5-course.zip" } } }));
        return new RecipeDocument { Name = recipe.Name, Steps = steps };
    }

    public static string Employee(TestPortal portal, int i) => $"salarie{i}@{portal.Id}.test";
    public static string DepartementManager(TestPortal portal) => $"achats@{portal.Id}.test";

    public static Task<T> InPortalAsync<T>(this FormationFactory factory, TestPortal portal, Func<IServiceProvider, Task<T>> action) => factory.InTenantAsync(portal.Id, action);

    public static Task<Guid> ModuleIdAsync(this FormationFactory factory, TestPortal portal, string slug) => factory.InTenantAsync(portal.Id, async sp =>
    {
        var reader = sp.GetRequiredService<Formation.Catalog.Contracts.ICatalogAuthoringReader>();
        return (await reader.GetOwnBySlugAsync(slug))!.Id;
    });

    public static Task<Order> OrderAsync(this FormationFactory factory, TestPortal portal, Guid id) => factory.InTenantAsync(portal.Id, async sp =>
        await sp.GetRequiredService<CommerceDbContext>().Orders.AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == id));

    public static Task<List<Seat>> SeatsAsync(this FormationFactory factory, TestPortal portal, Guid orderId) => factory.InTenantAsync(portal.Id, async sp =>
    {
        var db = sp.GetRequiredService<CommerceDbContext>();
        var pools = await db.Pools.AsNoTracking().Where(p => p.OrderId == orderId).Select(p => p.Id).ToListAsync();
        return await db.Seats.AsNoTracking().Where(s => pools.Contains(s.PoolId)).OrderBy(s => s.Number).ToListAsync();
    });

    [GeneratedRegex("/commandes/([0-9a-f-]{36})")]
    private static partial Regex OrderUrl();

    /// <summary>An employer manager orders seats by card through the pages: returns the order id and the Stripe session the buyer is sent to.</summary>
    public static async Task<(Guid OrderId, Uri Checkout)> BuySeatsByCardAsync(HttpClient manager, Guid moduleId, int seats)
    {
        var response = await manager.SubmitAsync($"/commande/nouvelle/{moduleId}", new Dictionary<string, string> { ["Quantity"] = seats.ToString(), ["Method"] = "Card" });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var checkout = response.Headers.Location!;
        Assert.Contains("/pay/cs_test_", checkout.ToString());
        return (Guid.Empty, checkout);
    }

    public static async Task<Guid> BuyByInvoiceAsync(HttpClient manager, Guid moduleId, int seats, bool agreement)
    {
        var fields = new Dictionary<string, string> { ["Quantity"] = seats.ToString(), ["Method"] = "Invoice" };
        if (agreement) fields["RequireAgreement"] = "true";
        var response = await manager.SubmitAsync($"/commande/nouvelle/{moduleId}", fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(OrderUrl().Match(response.Headers.Location!.ToString()).Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostWebhookAsync(this HttpClient client, string payload, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", signature);
        return await client.SendAsync(request);
    }

    /// <summary>Delivers the outbox now (seat consumption follows EnrolmentStarted), instead of waiting for the background dispatcher.</summary>
    public static async Task DispatchEventsAsync(this FormationFactory factory)
    {
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchBatchAsync(CancellationToken.None) > 0) { }
    }
}
