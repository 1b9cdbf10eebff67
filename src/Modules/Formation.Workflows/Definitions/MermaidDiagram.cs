using System.Text;
using Formation.Shell.Security;
using Formation.Workflows.Contracts;

namespace Formation.Workflows.Definitions;

/// <summary>
/// The Mermaid <c>stateDiagram-v2</c> source of a definition. States get safe ids (s0, s1…) and their labels as names;
/// a transition reads its label plus its guard, roles and timer; a task's state shows its title.
/// </summary>
public static class MermaidDiagram
{
    /// <param name="guardDescriptions">What each guard checks (by name), shown instead of its name when known.</param>
    public static string For(WorkflowDefinition definition, IReadOnlyDictionary<string, string>? guardDescriptions = null)
    {
        var ids = definition.States.Select((s, i) => (s.Id, Key: $"s{i}")).ToDictionary(x => x.Id, x => x.Key);
        var text = new StringBuilder("stateDiagram-v2\n");
        foreach (var state in definition.States)
        {
            var label = state.Label;
            if (state.Task is { } task)
                label += $" — {task.Title}{(task.Count > 1 ? $" (×{task.Count})" : "")}";
            text.Append($"    state \"{Clean(label)}\" as {ids[state.Id]}\n");
        }
        if (ids.TryGetValue(definition.InitialState, out var initial)) text.Append($"    [*] --> {initial}\n");
        foreach (var t in definition.Transitions)
        {
            if (!ids.TryGetValue(t.From, out var from) || !ids.TryGetValue(t.To, out var to)) continue;
            var label = t.DisplayLabel;
            if (t.Guard is not null) label += $", si {(guardDescriptions?.GetValueOrDefault(t.Guard) ?? t.Guard)}";
            if (t.Roles.Count > 0) label += $", par {string.Join(" ou ", t.Roles.Select(Roles.Label))}";
            if (definition.Timers.FirstOrDefault(x => x.State == t.From && x.Trigger == t.Trigger) is { } timer)
                label += $", après {WorkflowDuration.Describe(timer.After)}";
            text.Append($"    {from} --> {to} : {Clean(label)}\n");
        }
        foreach (var state in definition.States.Where(s => s.Terminal))
            text.Append($"    {ids[state.Id]} --> [*]\n");
        return text.ToString();
    }

    /// <summary>Mermaid's grammar reserves a few characters in names and labels.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(c switch
            {
                '"' => '\'',
                ':' or ';' or '#' or '{' or '}' or '<' or '>' or '%' => ' ',
                '\r' or '\n' or '\t' => ' ',
                _ => c,
            });
        return builder.ToString().Trim();
    }
}
