using System.Reflection;
using Microsoft.Extensions.DependencyModel;

namespace Formation.Shell.Modules;

public sealed class ModuleGraphException(string message) : Exception(message);

/// <summary>The modules of this host, validated and in dependency order.</summary>
public sealed class ModuleCatalog
{
    private readonly Dictionary<string, FeatureManifest> _features = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FormationModule> _featureOwners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Assembly, FormationModule> _byAssembly = new();

    public IReadOnlyList<FormationModule> Modules { get; }

    private ModuleCatalog(IReadOnlyList<FormationModule> ordered)
    {
        Modules = ordered;
        foreach (var module in ordered)
        {
            _byAssembly[module.GetType().Assembly] = module;
            foreach (var feature in module.Manifest.EffectiveFeatures)
            {
                if (!_features.TryAdd(feature.Id, feature))
                    throw new ModuleGraphException($"La fonctionnalité « {feature.Id} » est déclarée deux fois (module {module.Manifest.Id}).");
                _featureOwners[feature.Id] = module;
            }
        }
        foreach (var (id, feature) in _features)
            foreach (var dep in feature.DependsOn)
                if (!_features.ContainsKey(dep))
                    throw new ModuleGraphException($"La fonctionnalité « {id} » dépend de « {dep} », qui n'existe pas.");
    }

    public IEnumerable<FeatureManifest> Features => Modules.SelectMany(m => m.Manifest.EffectiveFeatures);
    public IEnumerable<ThemeManifest> Themes => Modules.Select(m => m.Manifest.Theme).OfType<ThemeManifest>();

    public FeatureManifest? FindFeature(string id) => _features.GetValueOrDefault(id);
    public FormationModule? OwnerOf(string featureId) => _featureOwners.GetValueOrDefault(featureId);
    public FormationModule? ModuleOf(Assembly assembly) => _byAssembly.GetValueOrDefault(assembly);

    /// <summary>Features that a feature needs: its own dependencies, and the main feature of each module its module depends on.</summary>
    public IEnumerable<string> DependenciesOf(string featureId)
    {
        if (FindFeature(featureId) is not { } feature) yield break;
        foreach (var dep in feature.DependsOn) yield return dep;
        var owner = OwnerOf(featureId)!;
        foreach (var moduleId in owner.Manifest.Dependencies) yield return moduleId;
        var main = owner.Manifest.EffectiveFeatures[0].Id;
        if (!string.Equals(main, featureId, StringComparison.OrdinalIgnoreCase)) yield return main;
    }

    /// <summary>Validates the graph (unique ids, known dependencies, no cycle) and orders it so that dependencies come first.</summary>
    public static ModuleCatalog Create(IEnumerable<FormationModule> modules)
    {
        var byId = new Dictionary<string, FormationModule>(StringComparer.OrdinalIgnoreCase);
        foreach (var module in modules)
        {
            var id = module.Manifest.Id;
            if (!byId.TryAdd(id, module))
                throw new ModuleGraphException($"Deux modules portent l'identifiant « {id} ».");
        }
        foreach (var module in byId.Values)
            foreach (var dep in module.Manifest.Dependencies)
                if (!byId.ContainsKey(dep))
                    throw new ModuleGraphException(
                        $"Le module « {module.Manifest.Id} » dépend du module « {dep} », qui est introuvable. Ajoutez une référence au projet de ce module dans l'hôte.");

        var ordered = new List<FormationModule>();
        var state = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase); // 1 visiting, 2 done
        var path = new Stack<string>();

        void Visit(FormationModule module)
        {
            var id = module.Manifest.Id;
            if (state.TryGetValue(id, out var s))
            {
                if (s == 2) return;
                var cycle = path.Reverse().SkipWhile(p => !string.Equals(p, id, StringComparison.OrdinalIgnoreCase)).Append(id);
                throw new ModuleGraphException($"Dépendance circulaire entre modules : {string.Join(" → ", cycle)}.");
            }
            state[id] = 1;
            path.Push(id);
            foreach (var dep in module.Manifest.Dependencies.Order(StringComparer.OrdinalIgnoreCase))
                Visit(byId[dep]);
            path.Pop();
            state[id] = 2;
            ordered.Add(module);
        }

        foreach (var module in byId.Values.OrderBy(m => m.Manifest.Id, StringComparer.OrdinalIgnoreCase))
            Visit(module);
        return new ModuleCatalog(ordered);
    }

    /// <summary>Finds the module startups in the Formation.* assemblies the entry application references.</summary>
    public static IEnumerable<FormationModule> Discover(Assembly? entryAssembly = null)
    {
        var context = entryAssembly is null ? DependencyContext.Default : DependencyContext.Load(entryAssembly);
        var names = context?.RuntimeLibraries
            .Where(l => l.Name.StartsWith("Formation.", StringComparison.Ordinal))
            .Select(l => l.Name) ?? [];
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            Assembly assembly;
            try { assembly = Assembly.Load(new AssemblyName(name)); }
            catch (FileNotFoundException) { continue; }
            foreach (var type in assembly.GetExportedTypes())
                if (typeof(FormationModule).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null)
                    yield return (FormationModule)Activator.CreateInstance(type)!;
        }
    }
}
