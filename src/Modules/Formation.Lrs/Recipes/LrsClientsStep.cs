using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;

namespace Formation.Lrs.Recipes;

public sealed class LrsClientsStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required, MinLength(1)] public required List<ClientModel> Clients { get; init; }

    public sealed class ClientModel
    {
        [Required] public required string Name { get; init; }
        [Required] public required string Key { get; init; }
        /// <summary>A fixed secret (demo data); omitted, one is generated and not shown.</summary>
        public string? Secret { get; init; }
        [Required, MinLength(1)] public required List<string> Scopes { get; init; }
    }
}

/// <summary><c>{"name":"lrs-clients","tenant":"...","clients":[{"name","key","secret","scopes":["all"]}]}</c>: LRS credentials of a portal.</summary>
public sealed class LrsClientsStep(LrsCredentials credentials) : RecipeStep<LrsClientsStepModel>
{
    public override string Name => "lrs-clients";

    protected override async Task ExecuteAsync(LrsClientsStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Clients.Count; i++)
        {
            var c = model.Clients[i];
            try { await credentials.CreateAsync(c.Name, c.Key, c.Scopes, c.Secret, ct); }
            catch (ValidationFailedException ex) { throw new RecipeFieldException($"clients[{i}].{JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message); }
        }
    }
}
