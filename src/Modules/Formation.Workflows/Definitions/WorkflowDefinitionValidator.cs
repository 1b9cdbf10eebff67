using System.Text.RegularExpressions;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;

namespace Formation.Workflows.Definitions;

/// <summary>
/// Checks a definition before it is saved. Every error is French, names the element at fault and is keyed by its JSON
/// path (e.g. <c>transitions[2].to</c>), so the editor lists them all and a recipe names the field.
/// </summary>
public static partial class WorkflowDefinitionValidator
{
    public const int MaxParallelTasks = 10;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex IdPattern();

    [GeneratedRegex("^data\\.[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex DataAssignee();

    public const string StarterAssignee = "starter";

    /// <summary>Throws <see cref="ValidationFailedException"/> with every error found.</summary>
    public static void Validate(WorkflowDefinition definition, IReadOnlySet<string> guards, IReadOnlyCollection<string> roles)
    {
        var errors = new ValidationErrors();
        Check(definition, guards, roles, errors);
        errors.ThrowIfAny();
    }

    private static void Check(WorkflowDefinition d, IReadOnlySet<string> guards, IReadOnlyCollection<string> roles, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(d.Id)) errors.Add("id", "L'identifiant du workflow (« id ») est obligatoire.");
        else if (!IdPattern().IsMatch(d.Id) || d.Id.Length > 64)
            errors.Add("id", $"L'identifiant « {d.Id} » s'écrit en minuscules sans accent, chiffres et tirets (64 caractères au plus).");
        if (string.IsNullOrWhiteSpace(d.Name)) errors.Add("name", "Le nom du workflow (« name ») est obligatoire.");
        else if (d.Name.Length > 200) errors.Add("name", "Le nom du workflow dépasse 200 caractères.");

        // States.
        if (d.States.Count == 0) errors.Add("states", "Le workflow n'a aucun état (« states »).");
        var states = new Dictionary<string, WorkflowStateDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < d.States.Count; i++)
        {
            var s = d.States[i];
            var path = $"states[{i}]";
            if (string.IsNullOrWhiteSpace(s.Id)) { errors.Add($"{path}.id", $"L'état n°{i + 1} n'a pas d'identifiant (« id »)."); continue; }
            if (!IdPattern().IsMatch(s.Id) || s.Id.Length > 64)
                errors.Add($"{path}.id", $"L'identifiant d'état « {s.Id} » s'écrit en minuscules sans accent, chiffres et tirets.");
            if (!states.TryAdd(s.Id, s)) errors.Add($"{path}.id", $"L'état « {s.Id} » est déclaré deux fois.");
            if (string.IsNullOrWhiteSpace(s.Label)) errors.Add($"{path}.label", $"L'état « {s.Id} » n'a pas de libellé (« label »).");
            else if (s.Label.Length > 200) errors.Add($"{path}.label", $"Le libellé de l'état « {s.Id} » dépasse 200 caractères.");
        }

        // Initial state.
        if (string.IsNullOrWhiteSpace(d.InitialState)) errors.Add("initialState", "L'état initial (« initialState ») est obligatoire.");
        else if (!states.TryGetValue(d.InitialState, out var initial)) errors.Add("initialState", $"L'état initial « {d.InitialState} » n'est pas un état déclaré.");
        else if (initial.Terminal) errors.Add("initialState", $"L'état initial « {d.InitialState} » ne peut pas être un état final.");

        // Transitions.
        for (var i = 0; i < d.Transitions.Count; i++)
        {
            var t = d.Transitions[i];
            var path = $"transitions[{i}]";
            var name = $"La transition n°{i + 1}{(string.IsNullOrWhiteSpace(t.Trigger) ? "" : $" (« {t.Trigger} »)")}";
            if (string.IsNullOrWhiteSpace(t.Trigger)) errors.Add($"{path}.trigger", $"{name} n'a pas de déclencheur (« trigger »).");
            else if (!IdPattern().IsMatch(t.Trigger) || t.Trigger.Length > 64)
                errors.Add($"{path}.trigger", $"{name} : le déclencheur s'écrit en minuscules sans accent, chiffres et tirets.");
            if (!states.TryGetValue(t.From ?? "", out var from))
                errors.Add($"{path}.from", $"{name} part d'un état inconnu « {t.From} ».");
            else if (from.Terminal)
                errors.Add($"{path}.from", $"{name} part de l'état final « {t.From} » : un état final n'a pas de transition sortante.");
            if (!states.ContainsKey(t.To ?? "")) errors.Add($"{path}.to", $"{name} mène à un état inconnu « {t.To} ».");
            if (t.Label is { Length: > 200 }) errors.Add($"{path}.label", $"{name} : le libellé dépasse 200 caractères.");
            if (t.Guard is not null && !guards.Contains(t.Guard))
                errors.Add($"{path}.guard", $"{name} utilise une garde inconnue « {t.Guard} ». Gardes disponibles : {(guards.Count == 0 ? "aucune" : string.Join(", ", guards.Order()))}.");
            for (var r = 0; r < t.Roles.Count; r++)
                if (!roles.Contains(t.Roles[r])) errors.Add($"{path}.roles[{r}]", $"{name} autorise un rôle inconnu « {t.Roles[r]} ».");
        }
        foreach (var group in d.Transitions.Select((t, i) => (t, i)).GroupBy(x => (x.t.From, x.t.Trigger)).Where(g => g.Count() > 1))
        {
            var items = group.ToList();
            if (items.Any(x => x.t.Guard is null))
                errors.Add($"transitions[{items[1].i}].trigger",
                    $"Le déclencheur « {group.Key.Trigger} » part {items.Count} fois de l'état « {group.Key.From} » : donnez une garde à chacune de ces transitions, ou des déclencheurs différents.");
            else if (items.Select(x => x.t.Guard).Distinct().Count() < items.Count)
                errors.Add($"transitions[{items[1].i}].guard",
                    $"Le déclencheur « {group.Key.Trigger} » part plusieurs fois de l'état « {group.Key.From} » avec la même garde : une seule transition serait possible.");
        }

        // Tasks.
        for (var i = 0; i < d.States.Count; i++)
        {
            var s = d.States[i];
            if (s.Task is not { } task) continue;
            var path = $"states[{i}].task";
            var name = $"La tâche de l'état « {s.Id} »";
            if (s.Terminal) errors.Add(path, $"L'état final « {s.Id} » ne peut pas porter de tâche.");
            if (string.IsNullOrWhiteSpace(task.Title)) errors.Add($"{path}.title", $"{name} n'a pas de titre (« title »).");
            else if (task.Title.Length > 200) errors.Add($"{path}.title", $"{name} : le titre dépasse 200 caractères.");
            if ((task.Role is null) == (task.Assignee is null))
                errors.Add($"{path}.role", $"{name} doit indiquer soit un rôle (« role »), soit une personne désignée (« assignee »), pas les deux.");
            if (task.Role is not null && !roles.Contains(task.Role)) errors.Add($"{path}.role", $"{name} est confiée à un rôle inconnu « {task.Role} ».");
            if (task.Assignee is not null && task.Assignee != StarterAssignee && !DataAssignee().IsMatch(task.Assignee))
                errors.Add($"{path}.assignee", $"{name} : « assignee » vaut « starter » (qui a démarré le workflow) ou « data.<clé> » (un identifiant d'utilisateur, ou une liste, dans les données du workflow), pas « {task.Assignee} ».");
            if (task.Count < 1 || task.Count > MaxParallelTasks)
                errors.Add($"{path}.count", $"{name} : le nombre de tâches parallèles (« count ») va de 1 à {MaxParallelTasks}.");
            else if (task.Count > 1 && task.Assignee is not null)
                errors.Add($"{path}.count", $"{name} : avec « assignee », il y a une tâche par personne désignée ; « count » ne s'applique qu'à un rôle.");
            if (task.Outcomes.Count == 0) errors.Add($"{path}.outcomes", $"{name} n'a aucune issue (« outcomes »).");
            foreach (var duplicate in task.Outcomes.GroupBy(o => o).Where(g => g.Count() > 1))
                errors.Add($"{path}.outcomes", $"{name} : l'issue « {duplicate.Key} » est déclarée deux fois.");
            for (var o = 0; o < task.Outcomes.Count; o++)
            {
                var outcome = task.Outcomes[o];
                var transitions = d.Transitions.Where(t => t.From == s.Id && t.Trigger == outcome).ToList();
                if (transitions.Count == 0)
                    errors.Add($"{path}.outcomes[{o}]", $"{name} : l'issue « {outcome} » ne correspond à aucune transition partant de l'état « {s.Id} ».");
                else if (transitions.Any(t => t.Roles.Count > 0))
                    errors.Add($"{path}.outcomes[{o}]", $"{name} : la transition de l'issue « {outcome} » ne doit pas avoir de rôles : c'est la tâche qui dit qui décide.");
            }
            CheckDuration(task.DueIn, $"{path}.dueIn", $"{name} : l'échéance (« dueIn »)", errors, allowZero: false);
            for (var r = 0; r < task.RemindersBefore.Count; r++)
            {
                var reminderPath = $"{path}.remindersBefore[{r}]";
                if (task.DueIn is null) { errors.Add(reminderPath, $"{name} : une relance avant l'échéance demande une échéance (« dueIn »)."); break; }
                if (CheckDuration(task.RemindersBefore[r], reminderPath, $"{name} : la relance n°{r + 1}", errors, allowZero: false) is { } before
                    && WorkflowDuration.TryParse(task.DueIn, out var due) && before >= due)
                    errors.Add(reminderPath, $"{name} : la relance n°{r + 1} ({task.RemindersBefore[r]} avant l'échéance) tomberait avant la création de la tâche ({task.DueIn}).");
            }
            if (task.EscalateAfter is not null)
            {
                if (task.DueIn is null) errors.Add($"{path}.escalateAfter", $"{name} : l'escalade après l'échéance demande une échéance (« dueIn »).");
                CheckDuration(task.EscalateAfter, $"{path}.escalateAfter", $"{name} : le délai d'escalade (« escalateAfter »)", errors, allowZero: true);
            }
            if (task.EscalateToRole is not null)
            {
                if (task.EscalateAfter is null) errors.Add($"{path}.escalateToRole", $"{name} : « escalateToRole » demande un délai d'escalade (« escalateAfter »).");
                if (!roles.Contains(task.EscalateToRole)) errors.Add($"{path}.escalateToRole", $"{name} est escaladée vers un rôle inconnu « {task.EscalateToRole} ».");
            }
        }

        // Timers.
        for (var i = 0; i < d.Timers.Count; i++)
        {
            var timer = d.Timers[i];
            var path = $"timers[{i}]";
            var name = $"Le minuteur n°{i + 1}";
            if (!states.TryGetValue(timer.State ?? "", out var state)) errors.Add($"{path}.state", $"{name} porte sur un état inconnu « {timer.State} ».");
            else if (state.Terminal) errors.Add($"{path}.state", $"{name} porte sur l'état final « {timer.State} », qui ne se quitte pas.");
            else if (!d.Transitions.Any(t => t.From == timer.State && t.Trigger == timer.Trigger))
                errors.Add($"{path}.trigger", $"{name} déclenche « {timer.Trigger} », qui ne correspond à aucune transition partant de l'état « {timer.State} ».");
            CheckDuration(timer.After, $"{path}.after", $"{name} : le délai (« after »)", errors, allowZero: false);
        }

        // Reachability and dead ends, once the graph itself is sound.
        if (states.Count > 0 && states.ContainsKey(d.InitialState ?? ""))
        {
            var reached = new HashSet<string> { d.InitialState! };
            var queue = new Queue<string>(reached);
            while (queue.TryDequeue(out var current))
                foreach (var t in d.Transitions.Where(t => t.From == current && states.ContainsKey(t.To ?? "")))
                    if (reached.Add(t.To)) queue.Enqueue(t.To);
            for (var i = 0; i < d.States.Count; i++)
            {
                var s = d.States[i];
                if (string.IsNullOrWhiteSpace(s.Id)) continue;
                if (!reached.Contains(s.Id))
                    errors.Add($"states[{i}]", $"L'état « {s.Id} » n'est jamais atteint depuis l'état initial « {d.InitialState} ».");
                else if (!s.Terminal && !d.Transitions.Any(t => t.From == s.Id))
                    errors.Add($"states[{i}]", $"L'état « {s.Id} » n'a aucune transition sortante : marquez-le comme final (« terminal »: true) ou ajoutez-lui une transition.");
            }
        }
    }

    private static TimeSpan? CheckDuration(string? value, string path, string what, ValidationErrors errors, bool allowZero)
    {
        if (value is null) return null;
        if (!WorkflowDuration.TryParse(value, out var duration))
        {
            errors.Add(path, $"{what} « {value} » n'est pas une durée : écrivez par exemple « P10D » (10 jours), « PT4H » (4 heures), « P2W » (2 semaines) ou un nombre de jours.");
            return null;
        }
        if (!allowZero && duration <= TimeSpan.Zero) { errors.Add(path, $"{what} doit être supérieur à zéro."); return null; }
        return duration;
    }
}
