using Formation.Shell.Hosting;
using Formation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.NationalCatalog;

/// <summary>
/// The national catalogue is platform-wide, so its tests get their own host (a sync replaces the whole snapshot),
/// run one after the other, with one portal that shows the catalogue.
/// </summary>
public sealed class NationalCatalogueHost : IAsyncLifetime
{
    public static readonly string[] Features = ["Formation.Catalog", "Formation.Search", "NationalCatalog"];

    public FormationFactory Factory { get; } = new();
    public TestPortal Portal { get; } = new("national");

    public async Task InitializeAsync()
    {
        // Tests switch between small files: the guard against a file withdrawing most of the catalogue is tested apart.
        Factory.Settings["NationalCatalog:MaxWithdrawnShare"] = "1";
        await Factory.RunRecipeAsync(Portal.Recipe(features: Features));
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>Runs the real command-line verb in this host, as <c>catalogue-sync --file path</c> would.</summary>
    public async Task<(int ExitCode, string Output, string Error)> SyncVerbAsync(string path)
    {
        var verb = Factory.Services.GetServices<IHostVerb>().Single(v => v.Name == "catalogue-sync");
        var (output, error) = (new StringWriter(), new StringWriter());
        var (stdout, stderr) = (Console.Out, Console.Error);
        await ConsoleLock.WaitAsync();
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            var code = await verb.RunAsync(Factory.Services, ["--file", path], CancellationToken.None);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            ConsoleLock.Release();
        }
    }

    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);
}

[CollectionDefinition(Name)]
public sealed class NationalCatalogueCollection : ICollectionFixture<NationalCatalogueHost>
{
    public const string Name = "national-catalogue";
}
