using Microsoft.Playwright;

namespace Formation.EndToEnd.Infrastructure;

/// <summary>
/// One running host (fresh data folder, demo recipe applied) and one headless Chromium, shared by every test of the collection.
/// Each test opens its own browser context, so cookies never leak from one test to another.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium: Playwright's own browser download is not available here. FORMATION_E2E_CHROMIUM overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("FORMATION_E2E_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private FormationAppFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "formation-e2e-" + Guid.NewGuid().ToString("N"));
    public int Port { get; private set; }
    /// <summary>The local Stripe-compatible server the host's Stripe client talks to (Stripe:ApiBase).</summary>
    public Formation.Tests.Support.StripeTestServer Stripe { get; private set; } = null!;
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");
    /// <summary>The host's clock (see <see cref="ShiftedClock"/>).</summary>
    public ShiftedClock Clock => _factory?.Clock ?? throw new InvalidOperationException("The host is not started.");
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Address of a path on a host name (a portal's or any other), on the test server's port.</summary>
    public string Url(string host, string path = "/") => $"http://{host}:{Port}{path}";

    public string Url(Portal portal, string path = "/") => Url(portal.Host, path);

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: install Debian's package (apt-get install chromium) or set FORMATION_E2E_CHROMIUM.");
        Directory.CreateDirectory(DataPath);
        try
        {
            Stripe = await Formation.Tests.Support.StripeTestServer.StartAsync();
            _factory = new FormationAppFactory(DataPath, Stripe.Settings());
            // StartServer blocks until the entry point has migrated, applied the demo recipe and started Kestrel.
            Port = await Task.Run(_factory.Start);

            Assertions.SetDefaultExpectTimeout(10_000);
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _browser = null;
        _playwright?.Dispose();
        _playwright = null;
        if (_factory is not null) await _factory.DisposeAsync();
        _factory = null;
        if (Stripe is not null) await Stripe.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(DataPath)) Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException) { /* a file still held open; the temp folder is cleaned by the system */ }
        catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portals";
}
