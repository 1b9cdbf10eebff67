using System.Text.Json;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;

namespace Formation.Catalog.Recipes;

/// <summary>Creates (and by default publishes) a portal's training modules.</summary>
public sealed class ModulesStep(CatalogAuthoring authoring, TimeProvider time) : RecipeStep<ModulesStepModel>
{
    public override string Name => "modules";

    protected override async Task ExecuteAsync(ModulesStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        for (var i = 0; i < model.Modules.Count; i++)
        {
            var m = model.Modules[i];
            var field = $"modules[{i}]";
            if (!context.Keys.TryGetValue($"organisation:{model.Tenant}/{m.Publisher}", out var publisherId))
                throw new RecipeFieldException($"{field}.publisher", $"Organisme « {m.Publisher} » inconnu sur le portail « {model.Tenant} ».");
            var content = new ModuleContent
            {
                Title = m.Title,
                Summary = m.Summary,
                DescriptionMarkdown = m.Description,
                Objectives = m.Objectives,
                Outline = m.Outline,
                Professions = m.Professions,
                Themes = m.Themes,
                Level = m.Level,
                Format = m.Format,
                DurationHours = m.DurationHours,
                Language = m.Language,
                Prerequisites = m.Prerequisites,
                AccessibilityInfo = m.AccessibilityInfo,
                CertificationCode = m.Certification?.Code,
                CpfEligible = m.CpfEligible,
                Prices = new ModulePrices(Cents(m.Prices.Individual), Cents(m.Prices.EmployerSeat), Cents(m.Prices.InstituteLicence))
                {
                    EmployerTiers = m.Prices.EmployerTiers.Select(t => new EmployerPriceTier(t.MinimumSeats, Cents(t.UnitPrice))).ToList(),
                },
            };
            try
            {
                var module = await authoring.CreateAsync(new CreateModule(m.Slug, publisherId, content), null, ct);
                foreach (var s in m.Sessions)
                    await authoring.AddSessionAsync(module.Id, s.Start, s.End, s.Capacity, s.Tutor, null, ct);
                if (m.Cover is not null)
                    await authoring.SetCoverAsync(module.Id, await File.ReadAllBytesAsync(context.ResolvePath(m.Cover, $"{field}.cover"), ct), allowSvg: true, null, ct);
                if (m.Publish)
                    await authoring.PublishAsync(module.Id, time.GetUtcNow().AddDays(-m.PublishedDaysAgo), ct);
                context.Keys[$"module:{model.Tenant}/{m.Slug}"] = module.Id;
            }
            catch (ValidationFailedException ex)
            {
                // Tiers sit under "prices" in the recipe.
                var name = ex.FirstField == ModuleContentRules.EmployerTiersField ? "prices.employerTiers" : JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField);
                throw new RecipeFieldException($"{field}.{name}", ex.Message);
            }
        }
    }

    private static long Cents(decimal euros) => (long)Math.Round(euros * 100m, MidpointRounding.AwayFromZero);
}

/// <summary>Sets which shared modules a portal shows.</summary>
public sealed class CurationStep(CatalogAuthoring authoring) : RecipeStep<CurationStepModel>
{
    public override string Name => "curation";

    protected override async Task ExecuteAsync(CurationStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        try
        {
            var picked = await authoring.SharedModuleIdsAsync(model.Picked, ct);
            await authoring.SetCurationAsync(new CatalogCurationDto(model.Mode, model.Themes, model.Professions, picked), ct);
        }
        catch (ValidationFailedException ex)
        {
            throw new RecipeFieldException(JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField), ex.Message);
        }
    }
}
