using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.EndToEnd.Infrastructure;

/// <summary>
/// The real host (Program.cs, migrations, demo recipe) served by Kestrel on a dynamic loopback port,
/// with its own data folder so that the demo recipe runs on an empty database.
/// </summary>
public sealed class FormationAppFactory : WebApplicationFactory<Program>
{
    private readonly string _dataPath;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="settings">Extra configuration, e.g. Stripe pointed at the local test server.</param>
    public FormationAppFactory(string dataPath, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _dataPath = dataPath;
        _settings = settings ?? new Dictionary<string, string?>();
        // An explicit endpoint rather than UseKestrel(port): no race between the entry point starting Kestrel
        // and the factory rewriting the server addresses, and no window between probing a free port and binding it.
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("App:DataPath", _dataPath);
        builder.UseSetting("App:SetupRecipe", "demo");
        builder.UseSetting("App:RecipesPath", RepoPaths.Recipes);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>The host's clock: real time, moved forward by tests that need a later moment (scheduled publication).</summary>
    public ShiftedClock Clock { get; } = new();

    /// <summary>Starts the host and returns the port Kestrel listens on.</summary>
    public int Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.Select(a => new Uri(a)).FirstOrDefault(u => u.Port > 0)
            ?? throw new InvalidOperationException("Kestrel reported no address: " + string.Join(", ", addresses));
        return address.Port;
    }
}

/// <summary>Real time plus an offset the tests move forward; it never goes back, so what one test saw stays true.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
