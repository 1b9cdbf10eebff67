using Formation.Shell.Tenancy;

namespace Formation.Shell.Modules;

/// <summary>Endpoint metadata: the endpoint exists only for tenants on which this feature is enabled.</summary>
public sealed record FeatureMetadata(string FeatureId);

/// <summary>Marks a page or handler as belonging to a feature other than its module's main one.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class FeatureAttribute(string featureId) : Attribute
{
    public string FeatureId { get; } = featureId;
}

/// <summary>Answers whether a feature is on for a tenant: core and always-on features are; others when enabled with all they depend on.</summary>
public sealed class FeatureService(ModuleCatalog catalog)
{
    public ModuleCatalog Catalog => catalog;

    public bool IsEnabled(TenantInfo tenant, string featureId) => IsEnabled(tenant, featureId, 0);

    private bool IsEnabled(TenantInfo tenant, string featureId, int depth)
    {
        if (depth > 32 || catalog.FindFeature(featureId) is not { } feature) return false;
        var owner = catalog.OwnerOf(featureId)!;
        // A core module's main feature is always on; its other features are switched per tenant like any other.
        var isCoreMain = owner.Manifest.IsCore && string.Equals(owner.Manifest.EffectiveFeatures[0].Id, featureId, StringComparison.OrdinalIgnoreCase);
        var on = feature.AlwaysEnabled || isCoreMain || tenant.EnabledFeatures.Contains(featureId);
        return on && catalog.DependenciesOf(featureId).All(dep => IsEnabled(tenant, dep, depth + 1));
    }

    /// <summary>The feature ids to store when a tenant asks for these: each with everything it depends on.</summary>
    public IReadOnlySet<string> WithDependencies(IEnumerable<string> featureIds)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(featureIds);
        while (pending.TryPop(out var id))
        {
            if (catalog.FindFeature(id) is null)
                throw new ArgumentException($"La fonctionnalité « {id} » n'existe pas.", nameof(featureIds));
            if (!result.Add(id)) continue;
            foreach (var dep in catalog.DependenciesOf(id)) pending.Push(dep);
        }
        return result;
    }
}
