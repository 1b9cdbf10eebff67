using System.ComponentModel.DataAnnotations;
using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Formation.Shell.Recipes;

/// <summary>A recipe failed: names the step and, when known, the field.</summary>
public sealed class RecipeException(string message, int? stepNumber = null, string? stepName = null, string? field = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int? StepNumber { get; } = stepNumber;
    public string? StepName { get; } = stepName;
    public string? Field { get; } = field;
}

/// <summary>Thrown by a step for a value that is well-formed but wrong (unknown tenant, duplicate e-mail, ...).</summary>
public sealed class RecipeFieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>What steps share while a recipe runs: the scope, the recipe's folder, the tenants created so far.</summary>
public sealed class RecipeContext(IServiceProvider services, string? baseDirectory)
{
    public IServiceProvider Services { get; } = services;
    public string? BaseDirectory { get; } = baseDirectory;
    public Dictionary<string, TenantInfo> Tenants { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Names that earlier steps gave to what they created (e.g. "organisation:departement/adsea"), for later steps.</summary>
    public Dictionary<string, Guid> Keys { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes the following writes belong to this portal.</summary>
    public void UseTenant(string tenantId, string field)
    {
        if (!Tenants.TryGetValue(tenantId, out var tenant))
            throw new RecipeFieldException(field, $"Le portail « {tenantId} » n'existe pas.");
        Services.GetRequiredService<TenantContext>().Set(tenant);
    }

    public string ResolvePath(string relative, string field)
    {
        if (BaseDirectory is null) throw new RecipeFieldException(field, "Ce fichier ne peut être lu : la recette n'a pas de dossier.");
        var full = Path.GetFullPath(relative, BaseDirectory);
        if (!full.StartsWith(Path.GetFullPath(BaseDirectory), StringComparison.Ordinal) || !File.Exists(full))
            throw new RecipeFieldException(field, $"Fichier introuvable : {relative}.");
        return full;
    }
}

public interface IRecipeStep
{
    string Name { get; }
    Task ExecuteAsync(JsonObject step, RecipeContext context, CancellationToken cancellationToken);
}

/// <summary>A step with a typed, validated model: unknown fields and wrong types are refused with the field's path.</summary>
public abstract class RecipeStep<TModel> : IRecipeStep where TModel : class
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        PropertyNameCaseInsensitive = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public abstract string Name { get; }

    public async Task ExecuteAsync(JsonObject step, RecipeContext context, CancellationToken cancellationToken)
    {
        var body = (JsonObject)step.DeepClone();
        body.Remove("name");
        TModel model;
        try
        {
            model = body.Deserialize<TModel>(JsonOptions) ?? throw new RecipeFieldException("$", "Étape vide.");
        }
        catch (JsonException ex)
        {
            throw new RecipeFieldException((ex.Path ?? "").TrimStart('$').TrimStart('.'), "Valeur invalide ou champ inconnu : " + ex.Message);
        }
        ModelValidator.Validate(model);
        await ExecuteAsync(model, context, cancellationToken);
    }

    protected abstract Task ExecuteAsync(TModel model, RecipeContext context, CancellationToken cancellationToken);
}

/// <summary>Recursive DataAnnotations validation reporting JSON paths (e.g. <c>tenants[1].hosts</c>).</summary>
public static class ModelValidator
{
    public static void Validate(object model, string path = "")
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true))
        {
            var first = results[0];
            var member = first.MemberNames.FirstOrDefault();
            throw new RecipeFieldException(Join(path, member is null ? "" : JsonNamingPolicy.CamelCase.ConvertName(member)), first.ErrorMessage ?? "Valeur invalide.");
        }
        foreach (var property in model.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType == typeof(string) || property.PropertyType.IsValueType) continue;
            var value = property.GetValue(model);
            var name = Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name));
            if (value is IEnumerable items and not IDictionary)
            {
                var i = 0;
                foreach (var item in items)
                {
                    if (item is not null && item is not string && !item.GetType().IsValueType) Validate(item, $"{name}[{i}]");
                    i++;
                }
            }
            else if (value is not null && value.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
            {
                Validate(value, name);
            }
        }
    }

    private static string Join(string path, string member) => path.Length == 0 ? member : member.Length == 0 ? path : path + "." + member;
}

public sealed class RecipeDocument
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<JsonObject> Steps { get; set; } = [];
}

/// <summary>Runs a recipe in one transaction: all its steps apply, or none.</summary>
public sealed class RecipeRunner(IServiceProvider services, ITenantDirectory directory, ILogger<RecipeRunner> logger)
{
    public async Task RunFileAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new RecipeException($"Recette introuvable : {path}.");
        RecipeDocument document;
        try
        {
            await using var stream = File.OpenRead(path);
            document = await JsonSerializer.DeserializeAsync<RecipeDocument>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web), cancellationToken)
                       ?? throw new RecipeException("Recette vide.");
        }
        catch (JsonException ex)
        {
            throw new RecipeException($"Recette {Path.GetFileName(path)} : JSON invalide ({ex.Message}).", field: ex.Path, inner: ex);
        }
        await RunAsync(document, Path.GetDirectoryName(Path.GetFullPath(path)), cancellationToken);
    }

    public async Task RunAsync(RecipeDocument recipe, string? baseDirectory, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var steps = scope.ServiceProvider.GetServices<IRecipeStep>().ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        var context = new RecipeContext(scope.ServiceProvider, baseDirectory);
        foreach (var tenant in await directory.GetAllAsync(cancellationToken)) context.Tenants[tenant.Id] = tenant;

        var database = scope.ServiceProvider.GetRequiredService<ShellDatabase>();
        await using (var transaction = await database.BeginTransactionAsync(cancellationToken))
        {
            for (var i = 0; i < recipe.Steps.Count; i++)
            {
                var step = recipe.Steps[i];
                var number = i + 1;
                var name = step["name"]?.GetValueKind() == JsonValueKind.String ? step["name"]!.GetValue<string>() : null;
                if (name is null || !steps.TryGetValue(name, out var handler))
                {
                    await transaction.RollbackAsync();
                    throw new RecipeException(
                        $"Recette « {recipe.Name} », étape {number} : type d'étape {(name is null ? "absent (champ « name »)" : $"« {name} » inconnu")}. Étapes connues : {string.Join(", ", steps.Keys.Order())}.",
                        number, name, "name");
                }
                try
                {
                    await handler.ExecuteAsync(step, context, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await transaction.RollbackAsync();
                    var field = ex switch
                    {
                        RecipeFieldException f => f.Field,
                        Formation.Shell.Validation.ValidationFailedException v => JsonNamingPolicy.CamelCase.ConvertName(v.FirstField),
                        _ => null,
                    };
                    throw new RecipeException(
                        $"Recette « {recipe.Name} », étape {number} « {name} »{(field is null ? "" : $", champ « {field} »")} : {ex.Message} Rien n'a été enregistré.",
                        number, name, field, ex);
                }
            }
            await transaction.CommitAsync();
        }
        directory.Invalidate();
        logger.LogInformation("Recipe {Recipe} applied ({Steps} steps)", recipe.Name, recipe.Steps.Count);
    }
}
