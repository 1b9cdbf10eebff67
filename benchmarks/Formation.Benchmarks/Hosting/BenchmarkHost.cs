using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Benchmarks.Hosting;

/// <summary>
/// The real Formation host (its Program, modules, middleware and configuration), in this process, on Kestrel bound to
/// 127.0.0.1 only, in the Production environment, with its data (SQLite database, search index) under
/// <see cref="DataPath"/>. The only addition is this assembly's bare Razor page (<c>/bench/bare</c>), the ceiling
/// that the catalogue pages are compared with.
/// </summary>
public sealed class BenchmarkHost : WebApplicationFactory<Program>
{
    private readonly bool _resultCache;

    public BenchmarkHost(string repoRoot, string dataPath, int port = 0, bool resultCache = true)
    {
        _resultCache = resultCache;
        ContentRoot = Path.Combine(repoRoot, "src", "Host", "Formation.Host");
        DataPath = dataPath;
        Port = port == 0 ? FreeLoopbackPort() : port;
        this.UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
    }

    public string ContentRoot { get; }
    public string DataPath { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts the server and checks that it listens where expected (loopback only).</summary>
    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (addresses.Any(a => !a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)))
            throw new InvalidOperationException($"The benchmark host must listen on 127.0.0.1 only, not {string.Join(", ", addresses)}.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As `dotnet run` of the host would (WebApplicationFactory looks for its manifest in the current directory only).
        builder.UseContentRoot(ContentRoot);
        builder.UseEnvironment("Production");
        builder.UseSetting("App:DataPath", DataPath);
        builder.UseSetting("App:SetupRecipe", "none");
        if (!_resultCache) builder.UseSetting("Search:ResultCacheSize", "0");
        builder.ConfigureTestServices(services => services.AddRazorPages().ConfigureApplicationPartManager(manager =>
        {
            var assembly = typeof(BenchmarkHost).Assembly;
            if (manager.ApplicationParts.Any(p => p is AssemblyPart a && a.Assembly == assembly)) return;
            manager.ApplicationParts.Add(new AssemblyPart(assembly));
            manager.ApplicationParts.Add(new CompiledRazorAssemblyPart(assembly));
        }));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
