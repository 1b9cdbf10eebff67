using System.ComponentModel.DataAnnotations;
using Formation.NationalCatalog.Import;
using Formation.NationalCatalog.Lheo;
using Formation.Shell.Recipes;

namespace Formation.NationalCatalog.Recipes;

public sealed class NationalCatalogueStepModel
{
    /// <summary>Catalogue exports (CSV or JSON) beside the recipe, imported together as one snapshot.</summary>
    [Required, MinLength(1)] public required List<string> Files { get; init; }
    /// <summary>Files that may be absent (e.g. shared samples outside the repository): skipped when missing.</summary>
    public List<string> OptionalFiles { get; init; } = [];
    /// <summary>LHEO files beside the recipe.</summary>
    public List<string> Lheo { get; init; } = [];
}

/// <summary><c>{"name":"national-catalogue","files":["…csv"],"optionalFiles":["…"],"lheo":["…xml"]}</c>: a demonstration import of the national catalogue.</summary>
public sealed class NationalCatalogueStep(CatalogueSync sync, LheoImport lheo) : RecipeStep<NationalCatalogueStepModel>
{
    public override string Name => "national-catalogue";

    protected override async Task ExecuteAsync(NationalCatalogueStepModel model, RecipeContext context, CancellationToken ct)
    {
        var files = model.Files.Select((f, i) => new SyncFile(context.ResolvePath(f, $"files[{i}]"), Path.GetFileName(f))).ToList();
        foreach (var optional in model.OptionalFiles)
        {
            if (context.BaseDirectory is null) break;
            var full = Path.GetFullPath(optional, context.BaseDirectory);
            if (File.Exists(full)) files.Add(new SyncFile(full, Path.GetFileName(full)));
        }
        var result = await sync.SyncAsync(files, "recette", ct);
        if (!result.Succeeded) throw new RecipeFieldException("files", result.Summary);
        for (var i = 0; i < model.Lheo.Count; i++)
        {
            await using var stream = File.OpenRead(context.ResolvePath(model.Lheo[i], $"lheo[{i}]"));
            try { await lheo.ImportAsync(stream, ct); }
            catch (CatalogueFileException ex) { throw new RecipeFieldException($"lheo[{i}]", ex.Message); }
        }
    }
}
