namespace Formation.Shell.Modules;

/// <summary>A switchable capability of a module. A module's first feature carries the module's id.</summary>
public sealed record FeatureManifest(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<string>? Dependencies = null,
    bool AlwaysEnabled = false)
{
    public IReadOnlyList<string> DependsOn => Dependencies ?? [];
}

/// <summary>A theme contributed by a module: a layout the tenant may choose.</summary>
public sealed record ThemeManifest(string Id, string Name, string Description, string LayoutPath);

/// <summary>What a module declares about itself, Orchard-style.</summary>
public sealed record ModuleManifest
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Category { get; init; } = "Général";
    /// <summary>Ids of modules this module needs.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    /// <summary>Features of the module; when empty, one feature with the module's id is implied.</summary>
    public IReadOnlyList<FeatureManifest> Features { get; init; } = [];
    /// <summary>Core modules are on for every tenant and cannot be switched off.</summary>
    public bool IsCore { get; init; }
    public ThemeManifest? Theme { get; init; }

    public IReadOnlyList<FeatureManifest> EffectiveFeatures =>
        Features.Count > 0 ? Features : [new FeatureManifest(Id, Name, Description, [], IsCore)];
}
