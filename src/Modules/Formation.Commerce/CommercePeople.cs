using System.Security.Claims;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Commerce;

/// <summary>Who buys and who is assigned, read through Identity's public surface (accounts, organisations, invitations).</summary>
public sealed class CommercePeople(UserManager<FormationUser> users, OrganisationDirectory organisations)
{
    public string? UserId(ClaimsPrincipal principal) => users.GetUserId(principal);
    public Task<FormationUser?> UserAsync(ClaimsPrincipal principal) => users.GetUserAsync(principal);
    public Task<FormationUser?> FindAsync(string userId) => users.FindByIdAsync(userId);
    public Task<FormationUser?> FindByEmailAsync(string email) => users.FindByEmailAsync(email);
    public Task<Organisation?> OrganisationAsync(Guid id, CancellationToken ct) => organisations.FindAsync(id, ct);

    /// <summary>The employer a manager acts for, or null.</summary>
    public async Task<Organisation?> EmployerOfAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!principal.IsInRole(Roles.EmployerManager)) return null;
        var manager = await users.GetUserAsync(principal);
        if (manager?.OrganisationId is not { } org) return null;
        var organisation = await organisations.FindAsync(org, ct);
        return organisation?.Kind == OrganisationKind.Employer ? organisation : null;
    }

    /// <summary>The training institute a publisher acts for, or null.</summary>
    public async Task<Organisation?> InstituteOfAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!principal.IsInRole(Roles.InstitutePublisher)) return null;
        var user = await users.GetUserAsync(principal);
        if (user?.OrganisationId is not { } org) return null;
        var organisation = await organisations.FindAsync(org, ct);
        return organisation?.Kind == OrganisationKind.TrainingInstitute ? organisation : null;
    }

    /// <summary>The accounts of one organisation on this portal (the employer's staff).</summary>
    public List<FormationUser> MembersOf(Guid organisationId) =>
        users.Users.Where(u => u.OrganisationId == organisationId).OrderBy(u => u.DisplayName).ToList();

    public static string Normalise(string email) => email.Trim().ToLowerInvariant();
}

/// <summary>A selling institute as an invoice needs it.</summary>
public sealed record Seller(Guid Id, string Name, string TenantId, string Siret, string? ActivityDeclarationNumber, bool VatExempt);

/// <summary>
/// The seller of a module is its publisher, an institute of the portal that owns the module (the platform for the shared
/// catalogue). Organisations are per portal, so it is read in a scope set to that portal, through Identity's directory.
/// </summary>
public sealed class SellerDirectory(IServiceScopeFactory scopes, ITenantDirectory tenants, TenantContext current, OrganisationDirectory here)
{
    public async Task<Seller?> FindAsync(string ownerTenantId, Guid instituteId, CancellationToken ct)
    {
        if (current.TenantId == ownerTenantId) return ToSeller(await here.FindAsync(instituteId, ct), ownerTenantId);
        var tenant = (await tenants.GetAllAsync(ct)).FirstOrDefault(t => t.Id == ownerTenantId);
        if (tenant is null) return null;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var organisation = await scope.ServiceProvider.GetRequiredService<OrganisationDirectory>().FindAsync(instituteId, ct);
        return ToSeller(organisation, ownerTenantId);
    }

    private static Seller? ToSeller(Organisation? o, string tenantId) =>
        o is null || o.Kind != OrganisationKind.TrainingInstitute ? null : new Seller(o.Id, o.Name, tenantId, o.Siret, o.ActivityDeclarationNumber, o.VatExempt);
}

/// <summary>Prices and VAT: integer cents, VAT rounded half away from zero per line.</summary>
public static class Pricing
{
    public const int StandardVatBasisPoints = 2000;

    public static int VatRate(bool exempt) => exempt ? 0 : StandardVatBasisPoints;

    public static long Vat(long netCents, int basisPoints) => (long)Math.Round(netCents * (decimal)basisPoints / 10_000m, MidpointRounding.AwayFromZero);

    /// <summary>The unit price for this buyer; employers get the volume tier their <paramref name="quantity"/> reaches.</summary>
    public static long UnitPrice(Formation.Catalog.Contracts.ModulePrices prices, Data.BuyerKind kind, int quantity = 1) => kind switch
    {
        Data.BuyerKind.Individual => prices.IndividualCents,
        Data.BuyerKind.Employer => prices.EmployerSeatCentsFor(quantity),
        _ => prices.InstituteLicenceCents,
    };

    public static string Euros(long cents) => (cents / 100m).ToString("#,##0.00", System.Globalization.CultureInfo.GetCultureInfo("fr-FR")) + " €";

    public const string ExemptionMention = "Exonération de TVA, article 261-4-4° a du code général des impôts.";
}
