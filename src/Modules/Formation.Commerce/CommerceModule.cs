using System.Security.Claims;
using Formation.Catalog.Contracts;
using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Learning.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Modules;
using Formation.Shell.Navigation;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Commerce;

public sealed class CommerceModule : FormationModule
{
    public const string Feature = "Commerce";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Commerce",
        Description = "Commandes aux prix par type d'acheteur, paiement Stripe (carte, SEPA), factures pour les acheteurs publics, lots de places des employeurs, espace employeur et relevé des organismes.",
        Category = "Vente",
        Dependencies = ["Formation.Catalog", "Formation.Identity", "Learning"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CommerceDbContext>();
        services.AddSingleton(_ => StripeSettings.From(configuration));
        services.AddHttpClient(StripeGateway.HttpClientName);
        services.AddScoped<StripeGateway>();
        services.AddScoped<StripeWebhook>();
        services.AddScoped<CommercePeople>();
        services.AddScoped<SellerDirectory>();
        services.AddScoped<SeatLedger>();
        services.AddScoped<Orders>();
        services.AddScoped<CommerceReports>();
        services.AddScoped<IDomainEventHandler<EnrolmentStarted>, SeatConsumption>();
        services.AddScoped<IModulePageActions, PurchasePageAction>();
        services.AddSingleton<INavigationProvider, CommerceNavigation>();
        // At every sign-in (first login after an invitation included), seats assigned by e-mail are bound to the account.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
        {
            var previous = options.Events.OnSignedIn;
            options.Events.OnSignedIn = async context =>
            {
                await previous(context);
                await BindSeatsAsync(context.HttpContext, context.Principal);
            };
        });
    }

    private static async Task BindSeatsAsync(HttpContext http, ClaimsPrincipal? principal)
    {
        var tenant = http.RequestServices.GetRequiredService<TenantContext>().Tenant;
        if (principal is null || tenant is null) return;
        if (!http.RequestServices.GetRequiredService<FeatureService>().IsEnabled(tenant, Feature)) return;
        var people = http.RequestServices.GetRequiredService<CommercePeople>();
        var userId = people.UserId(principal);
        var user = userId is null ? null : await people.FindAsync(userId);
        if (user?.Email is null) return;
        await http.RequestServices.GetRequiredService<SeatLedger>().BindPendingAsync(user.Id, user.Email, http.RequestAborted);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/stripe/webhook", (HttpContext http, StripeWebhook webhook, CancellationToken ct) => webhook.HandleAsync(http, ct))
            .DisableAntiforgery().ExcludeFromDescription();
    }
}

/// <summary>Consumes the seat of a learner who starts a module enrolled through Commerce.</summary>
internal sealed class SeatConsumption(SeatLedger seats) : IDomainEventHandler<EnrolmentStarted>
{
    public async Task HandleAsync(EnrolmentStarted started, CancellationToken ct)
    {
        if (started.Source != EnrolmentSources.Commerce || !Guid.TryParse(started.Reference, out var seatId)) return;
        await seats.ConsumeAsync(seatId, started.UserId, started.StartedUtc, ct);
    }
}

/// <summary>The module page's button for a paid module not yet bought: buy (an individual), buy seats (an employer), buy a licence (an institute).</summary>
internal sealed class PurchasePageAction : IModulePageActions
{
    public string? FeatureId => CommerceModule.Feature;

    public Task<ModulePageAction?> ForAsync(PublishedModule module, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (module.IsFree) return Task.FromResult<ModulePageAction?>(null);
        var url = "/commande/nouvelle/" + module.Id;
        if (user.Identity?.IsAuthenticated != true)
            return Task.FromResult<ModulePageAction?>(new("Acheter", "/connexion?ReturnUrl=" + Uri.EscapeDataString(url), false, "Connectez-vous pour acheter ce module."));
        var kind = Orders.KindOf(user);
        var label = kind switch { BuyerKind.Employer => "Acheter des places", BuyerKind.Institute => "Acheter une licence", _ => "Acheter" };
        return Task.FromResult<ModulePageAction?>(new(label, url, false, kind == BuyerKind.Employer ? "Places pour vos équipes, par carte ou sur facture." : null));
    }
}

internal sealed class CommerceNavigation : INavigationProvider
{
    public IEnumerable<MenuItem> GetItems() =>
    [
        new("Espace employeur", "/employeur", Menus.Main, Order: 22, FeatureId: CommerceModule.Feature, Roles: [Roles.EmployerManager]),
        new("Mes commandes", "/commandes", Menus.Main, Order: 23, FeatureId: CommerceModule.Feature, Roles: [Roles.Learner, Roles.InstitutePublisher]),
        new("Ventes et reversements", "/espace-editeur/ventes", Menus.Main, Order: 24, FeatureId: CommerceModule.Feature, Roles: [Roles.InstitutePublisher]),
        new("Commandes", "/admin/commandes", Menus.Admin, Order: 40, FeatureId: CommerceModule.Feature, Roles: [Roles.TenantAdmin, Roles.PlatformAdmin]),
    ];
}
