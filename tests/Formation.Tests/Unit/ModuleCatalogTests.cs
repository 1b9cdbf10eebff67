using Formation.Shell.Modules;
using Formation.Shell.Tenancy;

namespace Formation.Tests.Unit;

public class ModuleCatalogTests
{
    private sealed class Module(string id, params string[] dependencies) : FormationModule
    {
        public override ModuleManifest Manifest { get; } = new() { Id = id, Name = id, Dependencies = dependencies };
    }

    [Fact]
    public void Orders_modules_after_their_dependencies()
    {
        var catalog = ModuleCatalog.Create([new Module("C", "B"), new Module("A"), new Module("B", "A")]);
        Assert.Equal(["A", "B", "C"], catalog.Modules.Select(m => m.Manifest.Id));
    }

    [Fact]
    public void Refuses_a_cycle_and_names_it()
    {
        var ex = Assert.Throws<ModuleGraphException>(() => ModuleCatalog.Create([new Module("A", "C"), new Module("B", "A"), new Module("C", "B")]));
        Assert.Contains("circulaire", ex.Message);
        Assert.Contains("A → C → B → A", ex.Message);
    }

    [Fact]
    public void Refuses_a_missing_dependency_and_names_it()
    {
        var ex = Assert.Throws<ModuleGraphException>(() => ModuleCatalog.Create([new Module("A"), new Module("B", "Absent")]));
        Assert.Contains("« B »", ex.Message);
        Assert.Contains("« Absent »", ex.Message);
    }

    [Fact]
    public void Refuses_duplicate_ids()
    {
        Assert.Throws<ModuleGraphException>(() => ModuleCatalog.Create([new Module("A"), new Module("a")]));
    }

    [Fact]
    public void The_host_discovers_its_referenced_modules_in_dependency_order()
    {
        var catalog = ModuleCatalog.Create(ModuleCatalog.Discover(typeof(Program).Assembly));
        var ids = catalog.Modules.Select(m => m.Manifest.Id).ToList();
        Assert.Contains("Formation.Tenants", ids);
        Assert.True(ids.IndexOf("Formation.Tenants") < ids.IndexOf("Formation.Identity"));
        Assert.Contains(catalog.Themes, t => t.Id == "dsfr");
        Assert.Contains(catalog.Themes, t => t.Id == "horizon");
    }

    [Fact]
    public void A_feature_is_on_only_with_its_dependencies()
    {
        var catalog = ModuleCatalog.Create(
        [
            new FeatureModule("Base", [new FeatureManifest("Base", "Base", ""), new FeatureManifest("Base.Extra", "Extra", "", ["Other"])]),
            new FeatureModule("Other", [new FeatureManifest("Other", "Other", "")]),
        ]);
        var features = new FeatureService(catalog);
        TenantInfo Tenant(params string[] on) => new() { Id = "t", Name = "t", EnabledFeatures = new HashSet<string>(on) };

        Assert.False(features.IsEnabled(Tenant("Base.Extra"), "Base.Extra"));
        Assert.False(features.IsEnabled(Tenant("Base.Extra", "Base"), "Base.Extra"));
        Assert.True(features.IsEnabled(Tenant("Base.Extra", "Base", "Other"), "Base.Extra"));
        Assert.Equal(["Base", "Base.Extra", "Other"], features.WithDependencies(["Base.Extra"]).Order());
        Assert.False(features.IsEnabled(Tenant(), "Unknown"));
    }

    private sealed class FeatureModule(string id, IReadOnlyList<FeatureManifest> features) : FormationModule
    {
        public override ModuleManifest Manifest { get; } = new() { Id = id, Name = id, Features = features };
    }
}
