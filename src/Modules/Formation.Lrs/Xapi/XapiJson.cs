using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Formation.Lrs.Xapi;

/// <summary>Pure functions over xAPI JSON: agent keys, statement formats, content comparison, mentioned agents/activities.</summary>
public static class XapiJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The identifier of an agent or identified group: one key whichever property carries it.</summary>
    public static string? AgentKey(JsonObject? agent)
    {
        if (agent is null) return null;
        if (Str(agent["mbox"]) is { } mbox) return "mbox:" + mbox.ToLowerInvariant();
        if (Str(agent["mbox_sha1sum"]) is { } sha1) return "sha1:" + sha1.ToLowerInvariant();
        if (Str(agent["openid"]) is { } openid) return "openid:" + openid;
        if (agent["account"] is JsonObject account) return "account:" + Str(account["homePage"]) + "|" + Str(account["name"]);
        return null;
    }

    /// <summary>Key of an actor: its identifier, or for an anonymous group the sorted keys of its members.</summary>
    public static string ActorKey(JsonObject actor) =>
        AgentKey(actor) ?? "group:" + string.Join(",", (actor["member"] as JsonArray ?? []).Select(m => AgentKey(m as JsonObject)).Order(StringComparer.Ordinal));

    public static bool IsType(JsonObject obj, string type) => Str(obj["objectType"]) == type;

    /// <summary>Agents an agent filter matches: actor and object (and their members); related adds the rest.</summary>
    public static void CollectLinks(JsonObject statement, List<(char Kind, string Key, bool Direct)> links)
    {
        void Agent(JsonNode? node, bool direct)
        {
            if (node is not JsonObject agent) return;
            if (AgentKey(agent) is { } key) links.Add(('A', key, direct));
            if (agent["member"] is JsonArray members)
                foreach (var member in members)
                    if (AgentKey(member as JsonObject) is { } mk) links.Add(('A', mk, direct));
        }
        void Activity(JsonNode? node, bool direct)
        {
            if (node is JsonObject a && Str(a["id"]) is { } id) links.Add(('C', id, direct));
        }
        void Context(JsonNode? node)
        {
            if (node is not JsonObject context) return;
            Agent(context["instructor"], false);
            Agent(context["team"], false);
            if (context["contextActivities"] is JsonObject ca)
                foreach (var (_, value) in ca)
                {
                    if (value is JsonArray array) foreach (var a in array) Activity(a, false);
                    else Activity(value, false);
                }
            if (context["contextAgents"] is JsonArray cas) foreach (var c in cas) Agent((c as JsonObject)?["agent"], false);
            if (context["contextGroups"] is JsonArray cgs) foreach (var c in cgs) Agent((c as JsonObject)?["group"], false);
        }
        void ObjectOf(JsonObject obj, bool direct)
        {
            var type = Str(obj["objectType"]) ?? "Activity";
            if (type == "Activity") Activity(obj, direct);
            else if (type is "Agent" or "Group") Agent(obj, direct);
            else if (type == "SubStatement")
            {
                Agent(obj["actor"], false);
                if (obj["object"] is JsonObject inner) ObjectOf(inner, false);
                Context(obj["context"]);
            }
        }
        Agent(statement["actor"], true);
        if (statement["object"] is JsonObject o) ObjectOf(o, true);
        Context(statement["context"]);
        // The authority has its own column (AuthorityKey): no side row for it.
    }

    /// <summary>Stored form: a single context activity becomes an array of one (in the statement and its sub-statement).</summary>
    public static void Normalise(JsonObject statement)
    {
        static void Context(JsonNode? node)
        {
            if (node?["contextActivities"] is not JsonObject ca) return;
            foreach (var (key, value) in ca.ToList())
                if (value is JsonObject single)
                {
                    ca[key] = null;
                    ca[key] = new JsonArray(single.DeepClone());
                }
        }
        Context(statement["context"]);
        if (statement["object"] is JsonObject obj && Str(obj["objectType"]) == "SubStatement") Context(obj["context"]);
    }

    /// <summary>A stable hash of what a statement says, for the "same id, same statement" rule (LRS-set properties aside).</summary>
    public static string ContentHash(JsonObject statement)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in statement.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (key is "stored" or "authority" or "version" or "id") continue;
            builder.Append(key).Append('=');
            Canonical(value, builder, key == "timestamp");
            builder.Append(';');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static void Canonical(JsonNode? node, StringBuilder builder, bool isTimestamp = false, bool isDuration = false)
    {
        switch (node)
        {
            case null: builder.Append("null"); break;
            case JsonObject obj:
                builder.Append('{');
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    builder.Append(JsonSerializer.Serialize(key)).Append(':');
                    Canonical(value, builder, key == "timestamp", key == "duration");
                    builder.Append(',');
                }
                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                foreach (var item in array) { Canonical(item, builder); builder.Append(','); }
                builder.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                builder.Append(value.GetValue<double>().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValue value when isDuration && value.GetValueKind() == JsonValueKind.String:
                // Durations compare to the hundredth of a second.
                builder.Append(System.Text.RegularExpressions.Regex.Replace(value.GetValue<string>(), @"(\d+)(?:\.(\d{1,2})\d*)?S$",
                    m => m.Groups[1].Value + "." + m.Groups[2].Value.PadRight(2, '0') + "S"));
                break;
            case JsonValue value when isTimestamp && value.GetValueKind() == JsonValueKind.String
                && XapiValidator.ParseTimestamp(value.GetValue<string>(), XapiVersion.V103) is { } instant:
                builder.Append(instant.UtcTicks);
                break;
            default: builder.Append(node.ToJsonString()); break;
        }
    }

    /// <summary>Format "ids": agents and groups keep only their identifier, activities and verbs only their id.</summary>
    public static JsonObject ToIds(JsonObject statement)
    {
        var copy = (JsonObject)statement.DeepClone();
        IdsAgent(copy["actor"] as JsonObject);
        if (copy["verb"] is JsonObject verb) verb.Remove("display");
        IdsObject(copy["object"] as JsonObject);
        if (copy["authority"] is JsonObject authority) IdsAgent(authority);
        IdsContext(copy["context"] as JsonObject);
        return copy;
    }

    private static void IdsObject(JsonObject? obj)
    {
        if (obj is null) return;
        var type = Str(obj["objectType"]) ?? "Activity";
        if (type == "Activity") { obj.Remove("definition"); obj.Remove("objectType"); }
        else if (type is "Agent" or "Group") IdsAgent(obj);
        else if (type == "SubStatement")
        {
            IdsAgent(obj["actor"] as JsonObject);
            if (obj["verb"] is JsonObject verb) verb.Remove("display");
            IdsObject(obj["object"] as JsonObject);
            IdsContext(obj["context"] as JsonObject);
        }
    }

    private static void IdsContext(JsonObject? context)
    {
        if (context is null) return;
        IdsAgent(context["instructor"] as JsonObject);
        IdsAgent(context["team"] as JsonObject);
        if (context["contextActivities"] is JsonObject ca)
            foreach (var (_, value) in ca)
            {
                if (value is JsonArray array) foreach (var a in array) (a as JsonObject)?.Remove("definition");
                else (value as JsonObject)?.Remove("definition");
            }
    }

    private static void IdsAgent(JsonObject? agent)
    {
        if (agent is null) return;
        agent.Remove("name");
        var identified = AgentKey(agent) is not null;
        if (agent["member"] is JsonArray members)
        {
            if (identified) agent.Remove("member");
            else foreach (var m in members) IdsAgent(m as JsonObject);
        }
    }

    /// <summary>Format "canonical": every language map keeps one entry, the best match for Accept-Language.</summary>
    public static JsonObject ToCanonical(JsonObject statement, IReadOnlyList<string> languages)
    {
        var copy = (JsonObject)statement.DeepClone();
        CanonicalWalk(copy, languages);
        return copy;
    }

    private static readonly HashSet<string> LanguageMapKeys = ["display", "name", "description"];

    private static void CanonicalWalk(JsonNode? node, IReadOnlyList<string> languages, string? parentKey = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "extensions") continue;
                    // Agent "name" is a string, not a map: only objects under these keys are language maps.
                    if (LanguageMapKeys.Contains(key) && value is JsonObject map && map.All(p => p.Value is JsonValue))
                    {
                        var chosen = Choose(map, languages);
                        if (chosen is not null)
                        {
                            var text = map[chosen]!.DeepClone();
                            map.Clear();
                            map[chosen] = text;
                        }
                    }
                    else CanonicalWalk(value, languages, key);
                }
                break;
            case JsonArray array:
                foreach (var item in array) CanonicalWalk(item, languages, parentKey);
                break;
        }
    }

    private static string? Choose(JsonObject map, IReadOnlyList<string> languages)
    {
        if (map.Count == 0) return null;
        foreach (var language in languages)
        {
            var exact = map.FirstOrDefault(p => string.Equals(p.Key, language, StringComparison.OrdinalIgnoreCase)).Key;
            if (exact is not null) return exact;
            var prefix = map.FirstOrDefault(p => p.Key.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)
                || language.StartsWith(p.Key + "-", StringComparison.OrdinalIgnoreCase)).Key;
            if (prefix is not null) return prefix;
        }
        return map.FirstOrDefault(p => p.Key.StartsWith("en", StringComparison.OrdinalIgnoreCase)).Key ?? map.First().Key;
    }

    public static IReadOnlyList<string> AcceptLanguages(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        return header.Split(',')
            .Select(part =>
            {
                var pieces = part.Split(';');
                var q = 1.0;
                foreach (var p in pieces.Skip(1))
                    if (p.Trim().StartsWith("q=") && double.TryParse(p.Trim()[2..], System.Globalization.CultureInfo.InvariantCulture, out var v)) q = v;
                return (Tag: pieces[0].Trim(), Q: q);
            })
            .Where(t => t.Tag.Length > 0 && t.Tag != "*" && t.Q > 0)
            .OrderByDescending(t => t.Q)
            .Select(t => t.Tag)
            .ToList();
    }

    public static string FormatTimestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
