using System.Text.Json;
using System.Text.Json.Serialization;

namespace Formation.Workflows.Contracts;

/// <summary>
/// A workflow definition, as written in JSON (recipes, the platform editor) and stored per (id, version).
/// Plain data: guards are named C# predicates (<see cref="IWorkflowGuard"/>), roles are the platform's role ids.
/// Immutable once saved: an edit saves a new version, and running instances keep the version they started with.
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary>Stable id, e.g. "module-review": lowercase letters, digits and hyphens.</summary>
    public string Id { get; init; } = "";
    /// <summary>Assigned by the store when saved (1, 2, …); ignored or checked when writing a new version.</summary>
    public int Version { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string InitialState { get; init; } = "";
    public List<WorkflowStateDefinition> States { get; init; } = [];
    public List<WorkflowTransitionDefinition> Transitions { get; init; } = [];
    /// <summary>Transitions that fire by themselves some time after a state is entered (e.g. expire after 30 days).</summary>
    public List<WorkflowTimerDefinition> Timers { get; init; } = [];

    public WorkflowStateDefinition? State(string id) => States.FirstOrDefault(s => s.Id == id);
    public IEnumerable<WorkflowTransitionDefinition> TransitionsFrom(string state) => Transitions.Where(t => t.From == state);

    /// <summary>Strict JSON: unknown fields and wrong types are refused.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record WorkflowStateDefinition
{
    public string Id { get; init; } = "";
    /// <summary>What people read (French).</summary>
    public string Label { get; init; } = "";
    /// <summary>A final state: entering it completes the instance; it has no outgoing transition.</summary>
    public bool Terminal { get; init; }
    /// <summary>Work people must do while the instance is in this state; its outcomes are the triggers that leave it.</summary>
    public WorkflowTaskDefinition? Task { get; init; }
}

/// <summary>When the parallel tasks of a state have decided enough to leave it.</summary>
public enum WorkflowCompletion
{
    /// <summary>The first decision fires its outcome; the other tasks are cancelled.</summary>
    Any,
    /// <summary>Every task decides; then the outcome fired is the one listed first in <see cref="WorkflowTaskDefinition.Outcomes"/>
    /// among the decisions (list outcomes from the most to the least restrictive: one "reject" outweighs an "approve").</summary>
    All,
}

/// <summary>A human task created when its state is entered, cancelled when the state is left.</summary>
public sealed record WorkflowTaskDefinition
{
    public string Title { get; init; } = "";
    /// <summary>Who may take the task: anyone holding this role (exclusive with <see cref="Assignee"/>).</summary>
    public string? Role { get; init; }
    /// <summary>Who must do the task: "starter" (who started the instance) or "data.&lt;key&gt;", a user id or a list of
    /// user ids in the instance's data (one task each).</summary>
    public string? Assignee { get; init; }
    /// <summary>Parallel tasks of a role (e.g. 2 reviewers); one person takes at most one task of a state.</summary>
    public int Count { get; init; } = 1;
    public WorkflowCompletion Completion { get; init; } = WorkflowCompletion.Any;
    /// <summary>ISO-8601 duration (P10D, PT4H, P2W) or a number of days, from the task's creation.</summary>
    [JsonConverter(typeof(DurationJsonConverter))] public string? DueIn { get; init; }
    /// <summary>Reminders this long before the due date.</summary>
    [JsonConverter(typeof(DurationListJsonConverter))] public List<string> RemindersBefore { get; init; } = [];
    /// <summary>Escalation this long after the due date ("P0D" at the due date).</summary>
    [JsonConverter(typeof(DurationJsonConverter))] public string? EscalateAfter { get; init; }
    /// <summary>On escalation the task goes back to this role (unassigned, unclaimed); without it, it only raises the event.</summary>
    public string? EscalateToRole { get; init; }
    /// <summary>The decisions a person can take; each is the trigger of a transition leaving the state.</summary>
    public List<string> Outcomes { get; init; } = [];
}

public sealed record WorkflowTransitionDefinition
{
    public string From { get; init; } = "";
    public string Trigger { get; init; } = "";
    public string To { get; init; } = "";
    /// <summary>Button text (French); the trigger when absent.</summary>
    public string? Label { get; init; }
    /// <summary>Name of a registered <see cref="IWorkflowGuard"/> that must allow the transition.</summary>
    public string? Guard { get; init; }
    /// <summary>Roles allowed to fire it (any of them); empty = whoever the calling module lets through.
    /// Not allowed on a task's outcome: the task says who decides.</summary>
    public List<string> Roles { get; init; } = [];

    [JsonIgnore] public string DisplayLabel => string.IsNullOrWhiteSpace(Label) ? Trigger : Label;
}

public sealed record WorkflowTimerDefinition
{
    public string State { get; init; } = "";
    /// <summary>ISO-8601 duration or a number of days after the state is entered.</summary>
    [JsonConverter(typeof(DurationJsonConverter))] public string After { get; init; } = "";
    /// <summary>Fired by the system (guards apply, roles do not).</summary>
    public string Trigger { get; init; } = "";
}

/// <summary>Reads a duration written as an ISO-8601 string or a number of days (stored as the string "P{n}D").</summary>
public sealed class DurationJsonConverter : JsonConverter<string?>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number when reader.TryGetInt32(out var days) => $"P{days}D",
        _ => throw new JsonException("Durée attendue : « P10D », « PT4H » ou un nombre de jours."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue(); else writer.WriteStringValue(value);
    }
}

public sealed class DurationListJsonConverter : JsonConverter<List<string>>
{
    private static readonly DurationJsonConverter Item = new();

    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Liste de durées attendue, par exemple [\"P2D\", 1].");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            list.Add(Item.Read(ref reader, typeof(string), options) ?? throw new JsonException("Durée vide."));
        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}
