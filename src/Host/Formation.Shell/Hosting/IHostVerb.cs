namespace Formation.Shell.Hosting;

/// <summary>
/// A command-line verb contributed by a module (<c>dotnet run --project src/Host/Formation.Host -- {Name} …</c>),
/// registered as a singleton. It runs after migrations, instead of serving, and its result is the exit code.
/// </summary>
public interface IHostVerb
{
    /// <summary>The first argument that selects this verb, e.g. "search".</summary>
    string Name { get; }

    /// <summary>How to call it, for the usage message, e.g. "search rebuild".</summary>
    string Usage { get; }

    /// <param name="args">The arguments after the verb.</param>
    Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, CancellationToken cancellationToken);
}
