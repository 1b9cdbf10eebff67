using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;
using Formation.Workflows.Definitions;

namespace Formation.Workflows.Recipes;

/// <summary>
/// <c>{"name":"workflows","definitions":[{…definition…}],"files":["workflows/module-review.json"]}</c>: saves workflow
/// definitions (inline, or JSON files beside the recipe). A definition identical to a stored version saves nothing, so
/// the step can run again; a changed one becomes the next version.
/// </summary>
public sealed class WorkflowsStepModel
{
    public List<JsonObject> Definitions { get; init; } = [];
    public List<string> Files { get; init; } = [];
}

internal sealed class WorkflowsStep(WorkflowDefinitionStore store) : RecipeStep<WorkflowsStepModel>
{
    public override string Name => "workflows";

    protected override async Task ExecuteAsync(WorkflowsStepModel model, RecipeContext context, CancellationToken ct)
    {
        if (model.Definitions.Count + model.Files.Count == 0)
            throw new RecipeFieldException("definitions", "Indiquez au moins une définition (« definitions ») ou un fichier (« files »).");
        for (var i = 0; i < model.Definitions.Count; i++)
            await SaveAsync(model.Definitions[i].ToJsonString(), $"definitions[{i}]", ct);
        for (var i = 0; i < model.Files.Count; i++)
        {
            var path = context.ResolvePath(model.Files[i], $"files[{i}]");
            await SaveAsync(await File.ReadAllTextAsync(path, ct), $"files[{i}]", ct);
        }
    }

    private async Task SaveAsync(string json, string field, CancellationToken ct)
    {
        try { await store.SaveAsync(json, authorId: null, ct); }
        catch (ValidationFailedException ex)
        {
            throw new RecipeFieldException(ex.FirstField == "json" ? field : $"{field}.{ex.FirstField}", string.Join(" ", ex.Errors.SelectMany(e => e.Value)));
        }
    }
}
