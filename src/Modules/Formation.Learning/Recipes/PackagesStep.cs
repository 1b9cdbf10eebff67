using System.ComponentModel.DataAnnotations;
using Formation.Catalog.Contracts;
using Formation.Learning.Packages;
using Formation.Shell.Recipes;

namespace Formation.Learning.Recipes;

public sealed class PackagesStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required, MinLength(1)] public required List<PackageModel> Packages { get; init; }

    public sealed class PackageModel
    {
        /// <summary>The module's slug on the portal.</summary>
        [Required] public required string Module { get; init; }
        /// <summary>The package file, relative to the recipe (a cmi5 or xAPI zip, or a cmi5.xml).</summary>
        [Required] public required string File { get; init; }
    }
}

/// <summary>
/// <c>{"name":"packages","tenant":"…","packages":[{"module":"slug","file":"media/…zip"}]}</c>: attaches content packages
/// to the published version of modules (the newest version when none is published), with the import's own checks.
/// </summary>
public sealed class PackagesStep(ContentPackages packages, ICatalogAuthoringReader catalog) : RecipeStep<PackagesStepModel>
{
    public override string Name => "packages";

    protected override async Task ExecuteAsync(PackagesStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Packages.Count; i++)
        {
            var p = model.Packages[i];
            var module = await catalog.GetOwnBySlugAsync(p.Module, ct)
                ?? throw new RecipeFieldException($"packages[{i}].module", $"Le module « {p.Module} » n'existe pas sur ce portail.");
            var version = module.Versions.FirstOrDefault(v => v.Id == module.PublishedVersionId) ?? module.Versions[0];
            var path = context.ResolvePath(p.File, $"packages[{i}].file");
            try
            {
                await using var file = System.IO.File.OpenRead(path);
                await packages.ImportAsync(module.Id, version.Id, Path.GetFileName(path), file, null, null, ct);
            }
            catch (PackageRejectedException ex) { throw new RecipeFieldException($"packages[{i}].file", ex.Message); }
        }
    }
}
