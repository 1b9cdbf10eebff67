using System.ComponentModel.DataAnnotations;
using Formation.Identity.Data;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Identity;

namespace Formation.Review.Recipes;

public sealed class ReviewersStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required, MinLength(1)] public required List<ReviewerModel> Reviewers { get; init; }

    public sealed class ReviewerModel
    {
        /// <summary>An account of the portal (made by an earlier "users" step).</summary>
        [Required, EmailAddress] public required string Email { get; init; }
        public List<string> Themes { get; init; } = [];
        /// <summary>Key of the institute the expert belongs to (an "organisations" step's key): never offered its modules.</summary>
        public string? Institute { get; init; }
        public bool Lead { get; init; }
        public bool Active { get; init; } = true;
    }
}

/// <summary><c>{"name":"reviewers","tenant":"...","reviewers":[{"email","themes":[…],"institute","lead","active"}]}</c>: expert reviewers' profiles.</summary>
public sealed class ReviewersStep(ReviewerDirectory directory, UserManager<FormationUser> users) : RecipeStep<ReviewersStepModel>
{
    public override string Name => "reviewers";

    protected override async Task ExecuteAsync(ReviewersStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Reviewers.Count; i++)
        {
            var r = model.Reviewers[i];
            var user = await users.FindByEmailAsync(r.Email) ?? throw new RecipeFieldException($"reviewers[{i}].email", $"Aucun compte « {r.Email} » sur ce portail.");
            Guid? institute = null;
            if (r.Institute is { } key)
            {
                if (!context.Keys.TryGetValue($"organisation:{model.Tenant}/{key}", out var id))
                    throw new RecipeFieldException($"reviewers[{i}].institute", $"Organisme « {key} » inconnu : déclarez-le dans une étape « organisations » plus haut.");
                institute = id;
            }
            try { await directory.SaveAsync(user.Id, r.Themes, institute ?? user.OrganisationId, r.Lead, r.Active, ct); }
            catch (ValidationFailedException ex) { throw new RecipeFieldException($"reviewers[{i}].{char.ToLowerInvariant(ex.FirstField[0])}{ex.FirstField[1..]}", ex.Message); }
        }
    }
}
