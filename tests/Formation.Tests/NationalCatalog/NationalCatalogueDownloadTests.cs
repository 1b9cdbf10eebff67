using System.Net;
using Formation.NationalCatalog.Import;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Formation.Tests.NationalCatalog.NationalCatalogueFiles;

namespace Formation.Tests.NationalCatalog;

/// <summary>
/// The scheduled download is hostile input (issue 7, points 1 and 2): too large, cut short or failing, it imports nothing.
/// The export server is played by an in-process handler serving real export bytes; the download and sync code is the product's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NationalCatalogueDownloadTests : IAsyncLifetime
{
    private readonly ExportServer _server = new();
    private FormationFactory _factory = null!;

    private sealed class ExportServer : HttpMessageHandler
    {
        public byte[] Body = [];
        public long? AnnouncedLength;
        public HttpStatusCode Status = HttpStatusCode.OK;
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request.RequestUri!);
            var content = new ByteArrayContent(Body);
            content.Headers.ContentLength = AnnouncedLength ?? Body.Length;
            return Task.FromResult(new HttpResponseMessage(Status) { Content = content });
        }
    }

    public async Task InitializeAsync()
    {
        _factory = new FormationFactory
        {
            TestServices = services => services.AddHttpClient(CatalogueDownloadSync.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _server),
        };
        _factory.Settings["NationalCatalog:ExportUrl"] = "https://opendata.example.test/exports/csv";
        _factory.Settings["NationalCatalog:MaxDownloadBytes"] = "20000";
        await _factory.RunRecipeAsync(new TestPortal("telechargement").Recipe(features: NationalCatalogueHost.Features));
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<SyncResult> DownloadAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogueDownloadSync>().RunAsync("test", CancellationToken.None);
    }

    private async Task<int> ShownAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Formation.NationalCatalog.NationalCatalogue>().CountShownAsync();
    }

    [Fact]
    public async Task A_download_is_synced_and_a_hostile_one_changes_nothing()
    {
        var export = System.Text.Encoding.UTF8.GetBytes(Csv([Dees, ChildProtection, Spreadsheet]));
        _server.Body = export;
        var first = await DownloadAsync();
        Assert.True(first.Succeeded, first.FailureReason);
        Assert.Equal(2, await ShownAsync());
        Assert.Equal("https://opendata.example.test/exports/csv", _server.Requests.Single().ToString());

        _server.Body = System.Text.Encoding.UTF8.GetBytes(Csv([Spreadsheet]) + new string('x', 30000));
        var tooLarge = await DownloadAsync();
        Assert.False(tooLarge.Succeeded);
        Assert.Contains("dépasse la limite", tooLarge.FailureReason);

        _server.Body = export[..(export.Length / 2)];
        _server.AnnouncedLength = export.Length;
        var cut = await DownloadAsync();
        Assert.False(cut.Succeeded);
        Assert.Contains("Le catalogue actuel est conservé", cut.FailureReason);

        _server.AnnouncedLength = null;
        _server.Status = HttpStatusCode.ServiceUnavailable;
        var unavailable = await DownloadAsync();
        Assert.False(unavailable.Succeeded);
        Assert.Contains("HTTP 503", unavailable.FailureReason);

        Assert.Equal(2, await ShownAsync());
    }
}
