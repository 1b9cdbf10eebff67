namespace Formation.EndToEnd.Infrastructure;

/// <summary>Files of the repository the tests need: found by walking up from the test binaries to the folder holding Formation.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Recipes => Path.Combine(Root, "recipes");

    public static string AxeScript
    {
        get
        {
            var path = Path.Combine(Root, "node_modules", "axe-core", "axe.min.js");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"axe-core is missing ({path}): run « npm ci --ignore-scripts » at the repository root.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Formation.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Formation.sln not found above {AppContext.BaseDirectory}.");
    }
}
