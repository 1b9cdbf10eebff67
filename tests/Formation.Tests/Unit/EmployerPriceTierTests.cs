using Formation.Catalog;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Shell.Validation;

namespace Formation.Tests.Unit;

/// <summary>Employer volume tiers: which unit price a quantity gets, and what a tier list must satisfy.</summary>
public sealed class EmployerPriceTierTests
{
    private static ModulePrices Tiered(params (int Minimum, long Cents)[] tiers) =>
        new(12_000, 10_000, 50_000) { EmployerTiers = tiers.Select(t => new EmployerPriceTier(t.Minimum, t.Cents)).ToList() };

    [Theory]
    [InlineData(1, 10_000)]
    [InlineData(9, 10_000)]
    [InlineData(10, 9_000)]
    [InlineData(12, 9_000)]
    [InlineData(24, 9_000)]
    [InlineData(25, 8_000)]
    [InlineData(500, 8_000)]
    public void The_highest_tier_whose_minimum_is_reached_sets_the_seat_price(int quantity, long expected)
    {
        var prices = Tiered((10, 9_000), (25, 8_000));
        Assert.Equal(expected, prices.EmployerSeatCentsFor(quantity));
        Assert.Equal(expected, Pricing.UnitPrice(prices, BuyerKind.Employer, quantity));
    }

    [Fact]
    public void Tiers_apply_to_employers_only()
    {
        var prices = Tiered((10, 9_000));
        Assert.Equal(12_000, Pricing.UnitPrice(prices, BuyerKind.Individual, 12));
        Assert.Equal(50_000, Pricing.UnitPrice(prices, BuyerKind.Institute, 12));
        Assert.Equal(10_000, (ModulePrices.Free with { EmployerSeatCents = 10_000 }).EmployerSeatCentsFor(100));
    }

    [Fact]
    public void A_valid_list_has_no_problem_and_survives_content_validation()
    {
        Assert.Empty(ModuleContentRules.EmployerTierProblems(Tiered((2, 9_900), (10, 9_000), (25, 8_000), (50, 7_500), (100, 7_000))));
        var content = ModuleContentRules.Validate(Content(Tiered((10, 9_000), (25, 8_000))));
        Assert.Equal([new EmployerPriceTier(10, 9_000), new EmployerPriceTier(25, 8_000)], content.Prices.EmployerTiers);
    }

    [Theory]
    [InlineData("Palier 1 : le nombre minimum de places est d'au moins 2.", "1:9000")]
    [InlineData("Palier 2 : le nombre minimum de places doit dépasser celui du palier précédent (10).", "10:9000 10:8000")]
    [InlineData("Palier 2 : le nombre minimum de places doit dépasser celui du palier précédent (25).", "25:9000 10:8000")]
    [InlineData("Palier 1 : le prix par place doit être inférieur au prix employeur de base.", "10:10000")]
    [InlineData("Palier 2 : le prix par place doit être inférieur à celui du palier précédent.", "10:9000 25:9000")]
    [InlineData("Palier 1 : indiquez un prix par place supérieur à zéro.", "10:0")]
    public void Each_broken_rule_is_named_in_French(string expected, string tierList)
    {
        // "minimum:cents" pairs, separated by spaces.
        var tiers = tierList.Split(' ').Select(t => t.Split(':')).Select(p => (int.Parse(p[0]), long.Parse(p[1]))).ToArray();
        var problems = ModuleContentRules.EmployerTierProblems(Tiered(tiers));
        Assert.Contains(expected, problems);
        var failure = Assert.Throws<ValidationFailedException>(() => ModuleContentRules.Validate(Content(Tiered(tiers))));
        Assert.Contains(expected, failure.Errors[ModuleContentRules.EmployerTiersField]);
    }

    [Fact]
    public void At_most_five_tiers_and_only_below_an_employer_price()
    {
        Assert.Contains("Le tarif dégressif compte 5 paliers au plus.",
            ModuleContentRules.EmployerTierProblems(Tiered((2, 9_900), (5, 9_500), (10, 9_000), (20, 8_500), (50, 8_000), (100, 7_500))));
        var noSeatPrice = new ModulePrices(12_000, 0, 0) { EmployerTiers = [new EmployerPriceTier(10, 9_000)] };
        Assert.Contains("Un tarif dégressif suppose un prix employeur par place.", ModuleContentRules.EmployerTierProblems(noSeatPrice));
    }

    private static ModuleContent Content(ModulePrices prices) => new()
    {
        Title = "Module", Summary = "Résumé.", DescriptionMarkdown = "Description.", Themes = ["fondamentaux-ase"],
        Format = ModuleFormat.Accompanied, DurationHours = 7, Prices = prices,
    };
}
