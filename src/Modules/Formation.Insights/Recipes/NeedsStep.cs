using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Formation.Insights.Data;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;

namespace Formation.Insights.Recipes;

public sealed class NeedsStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required, MinLength(1)] public required List<NeedModel> Needs { get; init; }

    public sealed class NeedModel
    {
        [Required] public required string Theme { get; init; }
        public string? Profession { get; init; }
        [Required] public required string Territory { get; init; }
        public int People { get; init; } = 1;
        public NeedUrgency Urgency { get; init; }
        public string? Comment { get; init; }
        /// <summary>"employer" or "learner".</summary>
        [RegularExpression("^(employer|learner)$", ErrorMessage = "« employer » ou « learner ».")] public string SubmittedAs { get; init; } = "employer";
    }
}

/// <summary><c>{"name":"needs","tenant":"...","needs":[{"theme","profession","territory","people","urgency","comment","submittedAs"}]}</c>: training needs already stated.</summary>
public sealed class NeedsStep(NeedsWatch watch) : RecipeStep<NeedsStepModel>
{
    public override string Name => "needs";

    protected override async Task ExecuteAsync(NeedsStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Needs.Count; i++)
        {
            var n = model.Needs[i];
            try { await watch.StateAsync(new StateNeed(n.Theme, n.Profession, n.Territory, n.People, n.Urgency, n.Comment), n.SubmittedAs, null, null, ct); }
            catch (ValidationFailedException ex) { throw new RecipeFieldException($"needs[{i}].{JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message); }
        }
    }
}
