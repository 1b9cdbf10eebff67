using System.Text.Json.Nodes;
using Formation.Shell.Security;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Formation.Workflows.Definitions;

namespace Formation.Tests.Workflows;

/// <summary>Definitions are checked before they are saved: each error is French and names the element at fault.</summary>
public sealed class WorkflowDefinitionTests
{
    private static readonly IReadOnlySet<string> Guards = new HashSet<string> { "test-ready" };

    private static JsonObject Valid() => WorkflowTestSupport.ReviewDefinition("relecture");

    private static WorkflowDefinition Parse(JsonObject json) => WorkflowDefinitionStore.Parse(json.ToJsonString());

    private static IReadOnlyDictionary<string, string[]> Errors(JsonObject json)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => WorkflowDefinitionValidator.Validate(Parse(json), Guards, Roles.All));
        return ex.Errors;
    }

    private static void AssertError(JsonObject json, string field, string fragment)
    {
        var errors = Errors(json);
        Assert.True(errors.TryGetValue(field, out var messages), $"No error on {field}; errors: {string.Join(" | ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        Assert.Contains(messages!, m => m.Contains(fragment, StringComparison.Ordinal));
    }

    private static JsonObject With(Action<JsonObject> change)
    {
        var json = Valid();
        change(json);
        return json;
    }

    private static JsonArray States(JsonObject d) => d["states"]!.AsArray();
    private static JsonArray Transitions(JsonObject d) => d["transitions"]!.AsArray();

    [Fact]
    public void A_sound_definition_passes() =>
        WorkflowDefinitionValidator.Validate(Parse(Valid()), Guards, Roles.All);

    [Fact]
    public void A_missing_or_unknown_initial_state_is_named() 
    {
        AssertError(With(d => d["initialState"] = ""), "initialState", "L'état initial (« initialState ») est obligatoire.");
        AssertError(With(d => d["initialState"] = "nulle-part"), "initialState", "L'état initial « nulle-part » n'est pas un état déclaré.");
        AssertError(With(d => d["initialState"] = "approved"), "initialState", "ne peut pas être un état final");
    }

    [Fact]
    public void Transitions_to_or_from_unknown_states_are_named()
    {
        AssertError(With(d => Transitions(d)[1]!["to"] = "publie"), "transitions[1].to", "La transition n°2 (« return ») mène à un état inconnu « publie ».");
        AssertError(With(d => Transitions(d)[0]!["from"] = "ebauche"), "transitions[0].from", "La transition n°1 (« submit ») part d'un état inconnu « ebauche ».");
        AssertError(With(d => Transitions(d).Add(new JsonObject { ["from"] = "approved", ["trigger"] = "reopen", ["to"] = "draft" })),
            "transitions[9].from", "part de l'état final « approved »");
    }

    [Fact]
    public void Unreachable_states_and_dead_ends_are_named()
    {
        AssertError(With(d => States(d).Add(new JsonObject { ["id"] = "archive", ["label"] = "Archivé", ["terminal"] = true })),
            "states[7]", "L'état « archive » n'est jamais atteint depuis l'état initial « draft ».");
        AssertError(With(d =>
        {
            States(d).Add(new JsonObject { ["id"] = "limbes", ["label"] = "Limbes" });
            Transitions(d).Add(new JsonObject { ["from"] = "draft", ["trigger"] = "oublier", ["to"] = "limbes" });
        }), "states[7]", "L'état « limbes » n'a aucune transition sortante");
    }

    [Fact]
    public void A_trigger_leaving_a_state_twice_needs_guards()
    {
        AssertError(With(d => Transitions(d).Add(new JsonObject { ["from"] = "review", ["trigger"] = "withdraw", ["to"] = "rejected" })),
            "transitions[9].trigger", "Le déclencheur « withdraw » part 2 fois de l'état « review » : donnez une garde à chacune");
        // With a guard on each, a trigger may branch.
        WorkflowDefinitionValidator.Validate(Parse(With(d =>
        {
            Transitions(d)[0]!["guard"] = "test-ready";
            Transitions(d).Add(new JsonObject { ["from"] = "draft", ["trigger"] = "submit", ["to"] = "withdrawn", ["guard"] = "autre" });
        })), new HashSet<string> { "test-ready", "autre" }, Roles.All);
    }

    [Fact]
    public void Guards_roles_and_durations_must_exist()
    {
        AssertError(With(d => Transitions(d)[0]!["guard"] = "inconnue"), "transitions[0].guard", "utilise une garde inconnue « inconnue ». Gardes disponibles : test-ready.");
        AssertError(With(d => Transitions(d)[0]!["roles"] = new JsonArray("editeur")), "transitions[0].roles[0]", "autorise un rôle inconnu « editeur »");
        AssertError(With(d => States(d)[1]!["task"]!["role"] = "chef"), "states[1].task.role", "La tâche de l'état « screening » est confiée à un rôle inconnu « chef ».");
        AssertError(With(d => States(d)[2]!["task"]!["dueIn"] = "P1M"), "states[2].task.dueIn", "« P1M » n'est pas une durée");
        AssertError(With(d => States(d)[2]!["task"]!["remindersBefore"] = new JsonArray("P12D")), "states[2].task.remindersBefore[0]", "tomberait avant la création de la tâche");
        AssertError(With(d => d["timers"]![0]!["trigger"] = "oublier"), "timers[0].trigger", "Le minuteur n°1 déclenche « oublier », qui ne correspond à aucune transition partant de l'état « changes-requested ».");
    }

    [Fact]
    public void Tasks_must_say_who_decides_and_each_outcome_must_lead_somewhere()
    {
        AssertError(With(d => States(d)[1]!["task"]!["assignee"] = "data.instructeur"), "states[1].task.role", "soit un rôle (« role »), soit une personne désignée (« assignee »), pas les deux");
        AssertError(With(d => States(d)[3]!["task"]!["assignee"] = "le-chef"), "states[3].task.assignee", "« assignee » vaut « starter »");
        AssertError(With(d => States(d)[2]!["task"]!["outcomes"]!.AsArray().Add("abstain")), "states[2].task.outcomes[3]",
            "l'issue « abstain » ne correspond à aucune transition partant de l'état « review »");
        AssertError(With(d => Transitions(d)[5]!["roles"] = new JsonArray("reviewer")), "states[2].task.outcomes[2]", "ne doit pas avoir de rôles");
        AssertError(With(d => States(d)[2]!["task"]!["count"] = 11), "states[2].task.count", "de 1 à 10");
    }

    [Fact]
    public void Unknown_fields_and_wrong_types_are_refused_with_their_path()
    {
        var unknown = Assert.Throws<ValidationFailedException>(() => WorkflowDefinitionStore.Parse("""{ "id": "x", "etats": [] }"""));
        Assert.Contains("champ inconnu", unknown.Message);
        var wrongType = Assert.Throws<ValidationFailedException>(() => WorkflowDefinitionStore.Parse("""{ "id": "x", "states": [ { "id": "a", "label": "A", "terminal": "oui" } ] }"""));
        Assert.Contains("states[0].terminal", wrongType.Message);
        Assert.Contains("ligne 1", Assert.Throws<ValidationFailedException>(() => WorkflowDefinitionStore.Parse("{ \"id\": ")).Message);
    }

    [Fact]
    public void Durations_are_iso_8601_or_days()
    {
        Assert.True(WorkflowDuration.TryParse("P2W", out var weeks) && weeks == TimeSpan.FromDays(14));
        Assert.True(WorkflowDuration.TryParse("P1DT12H", out var mixed) && mixed == TimeSpan.FromHours(36));
        Assert.True(WorkflowDuration.TryParse("PT30M", out var minutes) && minutes == TimeSpan.FromMinutes(30));
        Assert.False(WorkflowDuration.TryParse("P1M", out _));
        Assert.False(WorkflowDuration.TryParse("P", out _));
        Assert.False(WorkflowDuration.TryParse("PT", out _));
        Assert.False(WorkflowDuration.TryParse("10 jours", out _));
        var definition = Parse(Valid());
        Assert.Equal("P2D", definition.State("screening")!.Task!.DueIn); // written as a number of days
        Assert.Equal("1 jour 12 h", WorkflowDuration.Describe("P1DT12H"));
    }

    [Fact]
    public void The_mermaid_diagram_shows_states_transitions_timers_and_ends()
    {
        var mermaid = MermaidDiagram.For(Parse(Valid()));
        Assert.StartsWith("stateDiagram-v2\n", mermaid);
        Assert.Contains("    state \"En relecture — Relire le module (×2)\" as s2\n", mermaid);
        Assert.Contains("    [*] --> s0\n", mermaid);
        Assert.Contains("    s0 --> s1 : Soumettre, si test-ready, par Éditeur·rice d'organisme de formation\n", mermaid);
        Assert.Contains("    s3 --> s6 : expire, après 30 jours\n", mermaid);
        Assert.Contains("    s1 --> s0 : Renvoyer\n", mermaid);
        Assert.Contains("Soumettre, si Le dossier est complet, par ", MermaidDiagram.For(Parse(Valid()), new Dictionary<string, string> { ["test-ready"] = "Le dossier est complet" }));
        Assert.Contains("    s4 --> [*]\n", mermaid);
        Assert.DoesNotContain("changes-requested -->", mermaid);
    }
}
