using System.Globalization;
using System.Security.Claims;
using Formation.Catalog.Contracts;
using Formation.Shell.Security;

namespace Formation.Catalog;

public enum BuyerType { Individual, Employer, Institute }

/// <summary>Which price a visitor sees: employers buy seats, institutes buy a licence, everyone else pays as an individual.</summary>
public static class BuyerPricing
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static BuyerType For(ClaimsPrincipal user) =>
        user.IsInRole(Roles.EmployerManager) ? BuyerType.Employer
        : user.IsInRole(Roles.InstitutePublisher) ? BuyerType.Institute
        : BuyerType.Individual;

    public static long PriceFor(ModulePrices prices, BuyerType buyer) => buyer switch
    {
        BuyerType.Employer => prices.EmployerSeatCents,
        BuyerType.Institute => prices.InstituteLicenceCents,
        _ => prices.IndividualCents,
    };

    public static string Label(BuyerType buyer) => buyer switch
    {
        BuyerType.Employer => "Tarif employeur, par place",
        BuyerType.Institute => "Licence pour organisme de formation",
        _ => "Tarif individuel",
    };

    public static string Euros(long cents) => cents == 0 ? "Gratuit" : (cents / 100m).ToString(cents % 100 == 0 ? "#,0 €" : "#,0.00 €", French);

    /// <summary>"Tarif dégressif : à partir de 10 places, 90,00 € HT la place".</summary>
    public static string TierLabel(EmployerPriceTier tier) =>
        $"Tarif dégressif : à partir de {tier.MinimumSeats} places, {(tier.UnitCents / 100m).ToString("#,0.00", French)} € HT la place";

    public static string Hours(decimal hours) => hours == Math.Floor(hours)
        ? $"{hours:0} h"
        : $"{Math.Floor(hours):0} h {(int)Math.Round((hours - Math.Floor(hours)) * 60):00}";
}
