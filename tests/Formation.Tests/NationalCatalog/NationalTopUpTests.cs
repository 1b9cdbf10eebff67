using System.Net;
using Formation.NationalCatalog.TopUp;
using Formation.Tests.Support;
using static Formation.Tests.NationalCatalog.NationalCatalogueFiles;

namespace Formation.Tests.NationalCatalog;

/// <summary>The transfer label of an EDEF top-up (issue 7, point 7): <c>CPF-SIREN-CVCV-JJMMAA</c>.</summary>
public sealed class NationalTopUpLabelTests
{
    [Fact]
    public void The_label_reads_cpf_siren_code_and_confirmation_date() =>
        Assert.Equal("CPF-999000516-BABA-270720", CpfTransferLabel.Create("999000516", "baba", new DateOnly(2020, 7, 27)));

    [Theory]
    [InlineData("CPF-999000516-BABA-270720", true)]
    [InlineData("CPF-999000516-BEBO-010126", true)]
    [InlineData("CPF-99900051-BABA-270720", false)]
    [InlineData("CPF-999000516-ABAB-270720", false)]
    [InlineData("CPF-999000516-BABA-320720", false)]
    [InlineData("cpf-999000516-BABA-270720", false)]
    [InlineData("CPF-999000516-BABA-27072020", false)]
    public void Labels_are_checked(string label, bool valid) => Assert.Equal(valid, CpfTransferLabel.IsValid(label));

    [Theory]
    [InlineData("BAB")]
    [InlineData("AAAA")]
    [InlineData("B4BA")]
    public void Codes_that_are_not_consonant_vowel_pairs_are_refused(string code) =>
        Assert.Throws<ArgumentException>(() => CpfTransferLabel.Create("999000516", code, new DateOnly(2026, 1, 1)));
}

/// <summary>An employer manager prepares a top-up on a national training and gets the sheet with the transfer label.</summary>
[Collection(NationalCatalogueCollection.Name), Trait("Category", "Integration")]
public sealed class NationalTopUpTests(NationalCatalogueHost host)
{
    [Fact]
    public async Task An_employer_manager_gets_the_sheet_with_the_transfer_label()
    {
        Assert.Equal(0, (await host.SyncVerbAsync(Write(Csv([Dees, ChildProtection]), bom: false))).ExitCode);
        var client = host.Factory.ClientFor(host.Portal.Host);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LogInAsync(host.Portal.Email("employer-manager"), TestPortal.Password)).StatusCode);

        var form = "/employeur/abondements-cpf/nouveau?formation=" + Uri.EscapeDataString(Dees.Numero);
        var invalid = await client.SubmitAsync(form, new Dictionary<string, string> { ["Input.Formation"] = Dees.Numero, ["Input.Salarie"] = "", ["Input.Montant"] = "-5" });
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        Assert.Contains("Indiquez le nom", WebUtility.HtmlDecode(await invalid.Content.ReadAsStringAsync()));

        var created = await client.SubmitAsync(form, new Dictionary<string, string> { ["Input.Formation"] = Dees.Numero, ["Input.Salarie"] = "Camille Martin", ["Input.Montant"] = "450" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var sheetUrl = created.Headers.Location!.ToString();
        var sheet = WebUtility.HtmlDecode(await client.GetStringAsync(sheetUrl));
        Assert.Contains("CPF-775876543-CVCV-JJMMAA", sheet);
        Assert.Contains("Camille Martin", sheet);

        var confirmed = await client.SubmitAsync(sheetUrl, new Dictionary<string, string> { ["EdefCode"] = "BABE", ["ConfirmedOn"] = "2026-11-25" });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Contains("CPF-775876543-BABE-251126", await client.GetStringAsync(sheetUrl));

        // Another portal's employer cannot open it.
        var learner = host.Factory.ClientFor(host.Portal.Host);
        await learner.LogInAsync(host.Portal.Email("learner"), TestPortal.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await learner.GetAsync(sheetUrl)).StatusCode);
    }
}
