using System.Text.Json;
using Formation.Catalog.Contracts;

namespace Formation.Benchmarks.Dataset;

/// <summary>One module of the demo recipe: the texts and figures generated modules are drawn from.</summary>
public sealed record DemoModule(
    string Tenant, string Publisher, string Title, string Summary, IReadOnlyList<string> Paragraphs,
    IReadOnlyList<string> Objectives, IReadOnlyList<string> Outline, IReadOnlyList<string> Professions, IReadOnlyList<string> Themes,
    ModuleLevel Level, ModuleFormat Format, decimal DurationHours, string Prerequisites, string AccessibilityInfo,
    string? CertificationCode, bool CpfEligible, ModulePrices Prices, int SessionCount, int SessionCapacity);

/// <summary>The realistic texts of <c>recipes/demo.recipe.json</c> (its "modules" steps), read as they are.</summary>
public sealed class DemoVocabulary
{
    public required IReadOnlyList<DemoModule> Modules { get; init; }
    /// <summary>Demo modules by theme key.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<DemoModule>> ByTheme { get; init; }
    /// <summary>Session tutors named in the demo.</summary>
    public required IReadOnlyList<string> Tutors { get; init; }

    public static DemoVocabulary Load(string recipePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(recipePath));
        var modules = new List<DemoModule>();
        var tutors = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var step in document.RootElement.GetProperty("steps").EnumerateArray())
        {
            if (step.GetProperty("name").GetString() != "modules") continue;
            var tenant = step.GetProperty("tenant").GetString()!;
            foreach (var m in step.GetProperty("modules").EnumerateArray())
            {
                var prices = m.GetProperty("prices");
                var sessions = m.GetProperty("sessions").EnumerateArray().ToList();
                foreach (var s in sessions)
                    if (s.TryGetProperty("tutor", out var tutor) && tutor.GetString() is { } name) tutors.Add(name);
                modules.Add(new DemoModule(
                    tenant,
                    m.GetProperty("publisher").GetString()!,
                    m.GetProperty("title").GetString()!,
                    m.GetProperty("summary").GetString()!,
                    m.GetProperty("description").GetString()!.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Strings(m, "objectives"), Strings(m, "outline"), Strings(m, "professions"), Strings(m, "themes"),
                    Enum.Parse<ModuleLevel>(m.GetProperty("level").GetString()!),
                    Enum.Parse<ModuleFormat>(m.GetProperty("format").GetString()!),
                    m.GetProperty("durationHours").GetDecimal(),
                    m.GetProperty("prerequisites").GetString()!,
                    m.GetProperty("accessibilityInfo").GetString()!,
                    m.TryGetProperty("certification", out var certification) ? certification.GetProperty("code").GetString() : null,
                    m.GetProperty("cpfEligible").GetBoolean(),
                    new ModulePrices(Cents(prices, "individual"), Cents(prices, "employerSeat"), Cents(prices, "instituteLicence")),
                    sessions.Count,
                    sessions.Count == 0 ? 0 : sessions[0].GetProperty("capacity").GetInt32()));
            }
        }
        if (modules.Count == 0) throw new InvalidOperationException($"No module in {recipePath}.");
        return new DemoVocabulary
        {
            Modules = modules,
            ByTheme = modules.SelectMany(m => m.Themes.Select(t => (Theme: t, Module: m)))
                .GroupBy(x => x.Theme).ToDictionary(g => g.Key, g => (IReadOnlyList<DemoModule>)g.Select(x => x.Module).ToList()),
            Tutors = tutors.ToList(),
        };
    }

    private static List<string> Strings(JsonElement module, string name) =>
        module.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToList();

    private static long Cents(JsonElement prices, string name) => (long)Math.Round(prices.GetProperty(name).GetDecimal() * 100m);
}
