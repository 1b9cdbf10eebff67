using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;

namespace Formation.Identity.Recipes;

public sealed class RolesStepModel
{
    /// <summary>Informative: the platform's roles are fixed; the step makes sure they exist.</summary>
    public List<string> Roles { get; init; } = [];
}

/// <summary><c>{"name":"roles"}</c>: creates the platform's roles.</summary>
public sealed class RolesStep(Accounts accounts) : RecipeStep<RolesStepModel>
{
    public override string Name => "roles";

    protected override async Task ExecuteAsync(RolesStepModel model, RecipeContext context, CancellationToken ct)
    {
        for (var i = 0; i < model.Roles.Count; i++)
            if (!Formation.Shell.Security.Roles.All.Contains(model.Roles[i]))
                throw new RecipeFieldException($"roles[{i}]", $"Le rôle « {model.Roles[i]} » n'existe pas. Rôles : {string.Join(", ", Formation.Shell.Security.Roles.All)}.");
        await accounts.EnsureRolesAsync(ct);
    }
}

public sealed class OrganisationsStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required] public required List<OrganisationModel> Organisations { get; init; }

    public sealed class OrganisationModel
    {
        /// <summary>A name the recipe's users step can refer to.</summary>
        [Required] public required string Key { get; init; }
        public OrganisationKind Kind { get; init; }
        [Required] public required string Name { get; init; }
        [Required] public required string Siret { get; init; }
        public EmployerType? EmployerType { get; init; }
        public string? ActivityDeclarationNumber { get; init; }
        public bool Qualiopi { get; init; }
        public bool VatExempt { get; init; }
    }
}

/// <summary><c>{"name":"organisations","tenant":"...","organisations":[{"key","kind","name","siret",...}]}</c>.</summary>
public sealed class OrganisationsStep(OrganisationDirectory directory) : RecipeStep<OrganisationsStepModel>
{
    public override string Name => "organisations";

    protected override async Task ExecuteAsync(OrganisationsStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Organisations.Count; i++)
        {
            var o = model.Organisations[i];
            try
            {
                var created = await directory.CreateAsync(new CreateOrganisation(o.Kind, o.Name, o.Siret, o.EmployerType, o.ActivityDeclarationNumber, o.Qualiopi, o.VatExempt), ct);
                context.Keys[$"organisation:{model.Tenant}/{o.Key}"] = created.Id;
            }
            catch (ValidationFailedException ex)
            {
                throw new RecipeFieldException($"organisations[{i}].{JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message);
            }
        }
    }
}

public sealed class UsersStepModel
{
    [Required] public required string Tenant { get; init; }
    [Required] public required List<UserModel> Users { get; init; }

    public sealed class UserModel
    {
        [Required, EmailAddress] public required string Email { get; init; }
        [Required] public required string DisplayName { get; init; }
        [Required, MinLength(10)] public required string Password { get; init; }
        public List<string> Roles { get; init; } = [];
        /// <summary>Key of an organisation created by an earlier organisations step of the same portal.</summary>
        public string? Organisation { get; init; }
        public string? Profession { get; init; }
    }
}

/// <summary><c>{"name":"users","tenant":"...","users":[{"email","displayName","password","roles","organisation"}]}</c>. Accounts are confirmed.</summary>
public sealed class UsersStep(Accounts accounts) : RecipeStep<UsersStepModel>
{
    public override string Name => "users";

    protected override async Task ExecuteAsync(UsersStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Users.Count; i++)
        {
            var u = model.Users[i];
            Guid? organisation = null;
            if (u.Organisation is not null)
            {
                if (!context.Keys.TryGetValue($"organisation:{model.Tenant}/{u.Organisation}", out var id))
                    throw new RecipeFieldException($"users[{i}].organisation", $"Organisation « {u.Organisation} » inconnue sur le portail « {model.Tenant} ».");
                organisation = id;
            }
            try
            {
                await accounts.CreateAsync(new CreateAccount(u.Email, u.DisplayName, u.Password, u.Roles, organisation, u.Profession, EmailConfirmed: true), ct);
            }
            catch (ValidationFailedException ex)
            {
                throw new RecipeFieldException($"users[{i}].{JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message);
            }
        }
    }
}

