using Formation.Shell.Media;
using Formation.Identity.Organisations;
using Formation.Shell.Themes;
using Formation.Tenants;

namespace Formation.Tests.Unit;

public class ValueRulesTests
{
    [Theory]
    [InlineData("73282932000074", true)]   // a real company's SIRET
    [InlineData("732 829 320 00074", true)]
    [InlineData("73282932000075", false)]  // wrong key
    [InlineData("7328293200007", false)]   // 13 digits
    [InlineData("7328293200007A", false)]
    [InlineData("35600000000048", true)]   // La Poste head office
    [InlineData("35600000049837", true)]   // La Poste establishment: digit sum multiple of 5
    [InlineData("35600000049838", false)]
    [InlineData("", false)]
    public void Siret_is_checked_with_its_luhn_key(string siret, bool valid) => Assert.Equal(valid, Siret.IsValid(siret));

    [Theory]
    [InlineData("#000091", true)]
    [InlineData("#8a2b5a", true)]
    [InlineData("#ffcc00", false)]
    [InlineData("#7f7f7f", false)]
    public void Brand_colours_must_carry_white_text(string colour, bool readable) =>
        Assert.Equal(readable, BrandColor.ContrastWithWhite(colour) >= BrandColor.MinimumContrast);

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, false, "png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, false, "jpg")]
    [InlineData(new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x3E }, false, null)]   // "<svg>" refused from uploads
    [InlineData(new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x3E }, true, "svg")]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, false, null)]        // an executable renamed .png
    public void Logos_are_recognised_by_content_not_name(byte[] bytes, bool allowSvg, string? expected) =>
        Assert.Equal(expected, ImageFiles.Sniff(bytes, allowSvg));

    [Theory]
    [InlineData("/mentions", true)]
    [InlineData("https://www.example.org", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("//evil.example", false)]
    [InlineData("", false)]
    public void Footer_links_are_safe(string url, bool safe) => Assert.Equal(safe, TenantAdministration.IsSafeUrl(url));
}
