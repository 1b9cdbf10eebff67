using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Formation.Lrs.Xapi;

public enum XapiVersion { V103, V200 }

/// <summary>A statement or parameter that breaks the xAPI rules; the message says which (English: machine clients read it).</summary>
public sealed class XapiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
    public static XapiException Bad(string message) => new(400, message);
}

/// <summary>
/// Strict xAPI statement validation (1.0.3 and 2.0): known keys only (case-sensitive), no nulls outside extensions,
/// one identifier per agent, IRIs with a scheme, RFC 5646 language tags, ISO 8601 timestamps and durations.
/// </summary>
public static partial class XapiValidator
{
    public const string VoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

    private static readonly HashSet<string> StatementKeys = ["id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"];
    private static readonly HashSet<string> SubStatementKeys = ["actor", "verb", "object", "result", "context", "timestamp", "attachments", "objectType"];
    private static readonly HashSet<string> AgentKeys = ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"];
    private static readonly HashSet<string> GroupKeys = ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"];
    private static readonly HashSet<string> AccountKeys = ["homePage", "name"];
    private static readonly HashSet<string> VerbKeys = ["id", "display"];
    private static readonly HashSet<string> ActivityKeys = ["objectType", "id", "definition"];
    private static readonly HashSet<string> DefinitionKeys = ["name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern", "choices", "scale", "source", "target", "steps"];
    private static readonly HashSet<string> InteractionComponentKeys = ["id", "description"];
    private static readonly HashSet<string> InteractionTypes = ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"];
    private static readonly HashSet<string> StatementRefKeys = ["objectType", "id"];
    private static readonly HashSet<string> ResultKeys = ["score", "success", "completion", "response", "duration", "extensions"];
    private static readonly HashSet<string> ScoreKeys = ["scaled", "raw", "min", "max"];
    private static readonly HashSet<string> ContextKeys103 = ["registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions"];
    private static readonly HashSet<string> ContextKeys200 = ["registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions", "contextAgents", "contextGroups"];
    private static readonly HashSet<string> ContextActivitiesKeys = ["parent", "grouping", "category", "other"];
    private static readonly HashSet<string> AttachmentKeys = ["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"];
    private static readonly HashSet<string> ContextAgentKeys = ["objectType", "agent", "relevantTypes"];
    private static readonly HashSet<string> ContextGroupKeys = ["objectType", "group", "relevantTypes"];

    public static void ValidateStatement(JsonNode? node, XapiVersion version)
    {
        var statement = Obj(node, "statement");
        Keys(statement, StatementKeys, "statement");
        if (statement["id"] is { } id) Uuid(id, "statement.id");
        Actor(Required(statement, "actor", "statement"), "statement.actor", version);
        Verb(Required(statement, "verb", "statement"), "statement.verb");
        var obj = Obj(Required(statement, "object", "statement"), "statement.object");
        ObjectOf(obj, "statement.object", version, allowSubStatement: true);
        if (statement["result"] is { } result) Result(result, "statement.result");
        if (statement.ContainsKey("result") && statement["result"] is null) throw Null("statement.result");
        if (statement.ContainsKey("context")) Context(statement["context"], "statement.context", obj, version);
        if (statement.ContainsKey("timestamp")) Timestamp(statement["timestamp"], "statement.timestamp", version);
        if (statement.ContainsKey("stored")) Timestamp(statement["stored"], "statement.stored", version);
        if (statement.ContainsKey("authority")) Authority(statement["authority"], version);
        if (statement.ContainsKey("version")) VersionProperty(statement["version"], version);
        if (statement.ContainsKey("attachments")) Attachments(statement["attachments"], "statement.attachments");
        if (Str(statement["verb"]!["id"], "statement.verb.id") == VoidedVerb
            && (obj["objectType"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String || (string)t! != "StatementRef"))
            throw XapiException.Bad("A voiding statement's object must be a StatementRef.");
    }

    private static void Authority(JsonNode? node, XapiVersion version)
    {
        var authority = Obj(node, "statement.authority");
        Actor(authority, "statement.authority", version);
        if (authority["objectType"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && (string)t! == "Group")
        {
            // An OAuth authority is an anonymous group of two agents (the application and the user).
            if (Ifis(authority, "statement.authority") != 0 || authority["member"] is not JsonArray members || members.Count != 2)
                throw XapiException.Bad("A group authority must be an anonymous group of exactly two agents.");
        }
    }

    private static void VersionProperty(JsonNode? node, XapiVersion version)
    {
        var v = Str(node, "statement.version");
        var ok = VersionRegex().IsMatch(v) && (v.StartsWith("1.0", StringComparison.Ordinal) || (version == XapiVersion.V200 && v.StartsWith("2.0", StringComparison.Ordinal)));
        if (!ok) throw XapiException.Bad($"Unsupported statement version '{v}'.");
    }

    public static void Actor(JsonNode? node, string path, XapiVersion version)
    {
        var actor = Obj(node, path);
        var type = actor.ContainsKey("objectType") ? Str(actor["objectType"], path + ".objectType") : "Agent";
        if (type == "Group") Group(actor, path, version);
        else if (type == "Agent") Agent(actor, path);
        else throw XapiException.Bad($"{path}.objectType must be Agent or Group.");
    }

    public static void Agent(JsonObject agent, string path)
    {
        Keys(agent, AgentKeys, path);
        if (agent.ContainsKey("objectType") && Str(agent["objectType"], path + ".objectType") != "Agent")
            throw XapiException.Bad($"{path}.objectType must be Agent.");
        if (agent.ContainsKey("name")) Str(agent["name"], path + ".name");
        if (Ifis(agent, path) != 1) throw XapiException.Bad($"{path} must have exactly one identifier (mbox, mbox_sha1sum, openid or account).");
    }

    private static void Group(JsonObject group, string path, XapiVersion version)
    {
        Keys(group, GroupKeys, path);
        if (group.ContainsKey("name")) Str(group["name"], path + ".name");
        var ifis = Ifis(group, path);
        if (ifis > 1) throw XapiException.Bad($"{path} must have at most one identifier.");
        if (group.ContainsKey("member"))
        {
            var members = Arr(group["member"], path + ".member");
            for (var i = 0; i < members.Count; i++)
            {
                var member = Obj(members[i], $"{path}.member[{i}]");
                if (member["objectType"] is JsonValue mt && mt.GetValueKind() == JsonValueKind.String && (string)mt! == "Group")
                    throw XapiException.Bad($"{path}.member[{i}]: a group cannot contain a group.");
                Agent(member, $"{path}.member[{i}]");
            }
            if (ifis == 0 && members.Count == 0) throw XapiException.Bad($"{path}: an anonymous group needs members.");
        }
        else if (ifis == 0) throw XapiException.Bad($"{path}: an anonymous group needs members.");
    }

    private static int Ifis(JsonObject agent, string path)
    {
        var count = 0;
        if (agent.ContainsKey("mbox"))
        {
            count++;
            var mbox = Str(agent["mbox"], path + ".mbox");
            if (!mbox.StartsWith("mailto:", StringComparison.Ordinal) || !mbox.Contains('@')) throw XapiException.Bad($"{path}.mbox must be a mailto: IRI.");
        }
        if (agent.ContainsKey("mbox_sha1sum"))
        {
            count++;
            var sum = Str(agent["mbox_sha1sum"], path + ".mbox_sha1sum");
            if (!Sha1Regex().IsMatch(sum)) throw XapiException.Bad($"{path}.mbox_sha1sum must be a SHA-1 hex string.");
        }
        if (agent.ContainsKey("openid")) { count++; Iri(agent["openid"], path + ".openid"); }
        if (agent.ContainsKey("account"))
        {
            count++;
            var account = Obj(agent["account"], path + ".account");
            Keys(account, AccountKeys, path + ".account");
            Iri(Required(account, "homePage", path + ".account"), path + ".account.homePage");
            Str(Required(account, "name", path + ".account"), path + ".account.name");
        }
        return count;
    }

    private static void Verb(JsonNode? node, string path)
    {
        var verb = Obj(node, path);
        Keys(verb, VerbKeys, path);
        Iri(Required(verb, "id", path), path + ".id");
        if (verb.ContainsKey("display")) LanguageMap(verb["display"], path + ".display");
    }

    private static void ObjectOf(JsonObject obj, string path, XapiVersion version, bool allowSubStatement)
    {
        var type = obj.ContainsKey("objectType") ? Str(obj["objectType"], path + ".objectType") : "Activity";
        switch (type)
        {
            case "Activity": Activity(obj, path); break;
            case "Agent": Agent(obj, path); break;
            case "Group": Group(obj, path, version); break;
            case "StatementRef":
                Keys(obj, StatementRefKeys, path);
                Uuid(Required(obj, "id", path), path + ".id");
                break;
            case "SubStatement":
                if (!allowSubStatement) throw XapiException.Bad($"{path}: a SubStatement cannot contain a SubStatement.");
                Keys(obj, SubStatementKeys, path);
                Actor(Required(obj, "actor", path), path + ".actor", version);
                Verb(Required(obj, "verb", path), path + ".verb");
                var inner = Obj(Required(obj, "object", path), path + ".object");
                ObjectOf(inner, path + ".object", version, allowSubStatement: false);
                if (obj.ContainsKey("result")) Result(obj["result"], path + ".result");
                if (obj.ContainsKey("context")) Context(obj["context"], path + ".context", inner, version);
                if (obj.ContainsKey("timestamp")) Timestamp(obj["timestamp"], path + ".timestamp", version);
                if (obj.ContainsKey("attachments")) Attachments(obj["attachments"], path + ".attachments");
                break;
            default: throw XapiException.Bad($"{path}.objectType '{type}' is not valid.");
        }
    }

    public static void Activity(JsonObject activity, string path)
    {
        Keys(activity, ActivityKeys, path);
        if (activity.ContainsKey("objectType") && Str(activity["objectType"], path + ".objectType") != "Activity")
            throw XapiException.Bad($"{path}.objectType must be Activity.");
        Iri(Required(activity, "id", path), path + ".id");
        if (activity.ContainsKey("definition")) Definition(activity["definition"], path + ".definition");
    }

    private static void Definition(JsonNode? node, string path)
    {
        var definition = Obj(node, path);
        Keys(definition, DefinitionKeys, path);
        if (definition.ContainsKey("name")) LanguageMap(definition["name"], path + ".name");
        if (definition.ContainsKey("description")) LanguageMap(definition["description"], path + ".description");
        if (definition.ContainsKey("type")) Iri(definition["type"], path + ".type");
        if (definition.ContainsKey("moreInfo")) Iri(definition["moreInfo"], path + ".moreInfo");
        if (definition.ContainsKey("extensions")) Extensions(definition["extensions"], path + ".extensions");
        string? interactionType = null;
        if (definition.ContainsKey("interactionType"))
        {
            interactionType = Str(definition["interactionType"], path + ".interactionType");
            if (!InteractionTypes.Contains(interactionType)) throw XapiException.Bad($"{path}.interactionType '{interactionType}' is not valid.");
        }
        if (definition.ContainsKey("correctResponsesPattern"))
        {
            if (interactionType is null) throw XapiException.Bad($"{path}.correctResponsesPattern needs an interactionType.");
            var patterns = Arr(definition["correctResponsesPattern"], path + ".correctResponsesPattern");
            for (var i = 0; i < patterns.Count; i++) Str(patterns[i], $"{path}.correctResponsesPattern[{i}]");
        }
        foreach (var list in new[] { "choices", "scale", "source", "target", "steps" })
        {
            if (!definition.ContainsKey(list)) continue;
            if (interactionType is null) throw XapiException.Bad($"{path}.{list} needs an interactionType.");
            var allowed = interactionType switch
            {
                "choice" or "sequencing" => list == "choices",
                "likert" => list == "scale",
                "matching" => list is "source" or "target",
                "performance" => list == "steps",
                _ => false,
            };
            if (!allowed) throw XapiException.Bad($"{path}.{list} is not allowed for interactionType '{interactionType}'.");
            var components = Arr(definition[list], $"{path}.{list}");
            var ids = new HashSet<string>();
            for (var i = 0; i < components.Count; i++)
            {
                var component = Obj(components[i], $"{path}.{list}[{i}]");
                Keys(component, InteractionComponentKeys, $"{path}.{list}[{i}]");
                var cid = Str(Required(component, "id", $"{path}.{list}[{i}]"), $"{path}.{list}[{i}].id");
                if (!ids.Add(cid)) throw XapiException.Bad($"{path}.{list}: duplicate id '{cid}'.");
                if (component.ContainsKey("description")) LanguageMap(component["description"], $"{path}.{list}[{i}].description");
            }
        }
    }

    private static void Result(JsonNode? node, string path)
    {
        var result = Obj(node, path);
        Keys(result, ResultKeys, path);
        if (result.ContainsKey("score"))
        {
            var score = Obj(result["score"], path + ".score");
            Keys(score, ScoreKeys, path + ".score");
            double? scaled = score.ContainsKey("scaled") ? Num(score["scaled"], path + ".score.scaled") : null;
            double? raw = score.ContainsKey("raw") ? Num(score["raw"], path + ".score.raw") : null;
            double? min = score.ContainsKey("min") ? Num(score["min"], path + ".score.min") : null;
            double? max = score.ContainsKey("max") ? Num(score["max"], path + ".score.max") : null;
            if (scaled is < -1 or > 1) throw XapiException.Bad($"{path}.score.scaled must be between -1 and 1.");
            if (min is not null && max is not null && min >= max) throw XapiException.Bad($"{path}.score.min must be less than max.");
            if (raw is not null && ((min is not null && raw < min) || (max is not null && raw > max)))
                throw XapiException.Bad($"{path}.score.raw must be between min and max.");
        }
        if (result.ContainsKey("success")) Bool(result["success"], path + ".success");
        if (result.ContainsKey("completion")) Bool(result["completion"], path + ".completion");
        if (result.ContainsKey("response")) Str(result["response"], path + ".response");
        if (result.ContainsKey("duration"))
        {
            var duration = Str(result["duration"], path + ".duration");
            if (!IsDuration(duration)) throw XapiException.Bad($"{path}.duration must be an ISO 8601 duration.");
        }
        if (result.ContainsKey("extensions")) Extensions(result["extensions"], path + ".extensions");
    }

    private static void Context(JsonNode? node, string path, JsonObject statementObject, XapiVersion version)
    {
        var context = Obj(node, path);
        Keys(context, version == XapiVersion.V200 ? ContextKeys200 : ContextKeys103, path);
        if (context.ContainsKey("registration")) Uuid(context["registration"], path + ".registration");
        if (context.ContainsKey("instructor")) Actor(context["instructor"], path + ".instructor", version);
        if (context.ContainsKey("team"))
        {
            var team = Obj(context["team"], path + ".team");
            if (team["objectType"] is not JsonValue tv || tv.GetValueKind() != JsonValueKind.String || (string)tv! != "Group")
                throw XapiException.Bad($"{path}.team must be a Group.");
            Actor(team, path + ".team", version);
        }
        if (context.ContainsKey("contextActivities"))
        {
            var activities = Obj(context["contextActivities"], path + ".contextActivities");
            Keys(activities, ContextActivitiesKeys, path + ".contextActivities");
            foreach (var (key, value) in activities)
            {
                var p = $"{path}.contextActivities.{key}";
                if (value is JsonArray array)
                    for (var i = 0; i < array.Count; i++) Activity(Obj(array[i], $"{p}[{i}]"), $"{p}[{i}]");
                else Activity(Obj(value, p), p);
            }
        }
        var objectIsActivity = !statementObject.ContainsKey("objectType") || statementObject["objectType"]?.GetValue<string>() == "Activity";
        if (context.ContainsKey("revision"))
        {
            Str(context["revision"], path + ".revision");
            if (!objectIsActivity) throw XapiException.Bad($"{path}.revision is only allowed when the object is an Activity.");
        }
        if (context.ContainsKey("platform"))
        {
            Str(context["platform"], path + ".platform");
            if (!objectIsActivity) throw XapiException.Bad($"{path}.platform is only allowed when the object is an Activity.");
        }
        if (context.ContainsKey("language"))
        {
            var language = Str(context["language"], path + ".language");
            if (!IsLanguageTag(language)) throw XapiException.Bad($"{path}.language '{language}' is not an RFC 5646 language tag.");
        }
        if (context.ContainsKey("statement"))
        {
            var reference = Obj(context["statement"], path + ".statement");
            Keys(reference, StatementRefKeys, path + ".statement");
            if (Str(Required(reference, "objectType", path + ".statement"), path + ".statement.objectType") != "StatementRef")
                throw XapiException.Bad($"{path}.statement must be a StatementRef.");
            Uuid(Required(reference, "id", path + ".statement"), path + ".statement.id");
        }
        if (context.ContainsKey("extensions")) Extensions(context["extensions"], path + ".extensions");
        if (context.ContainsKey("contextAgents"))
        {
            var list = Arr(context["contextAgents"], path + ".contextAgents");
            for (var i = 0; i < list.Count; i++)
            {
                var p = $"{path}.contextAgents[{i}]";
                var item = Obj(list[i], p);
                Keys(item, ContextAgentKeys, p);
                if (Str(Required(item, "objectType", p), p + ".objectType") != "contextAgent") throw XapiException.Bad($"{p}.objectType must be contextAgent.");
                var agent = Obj(Required(item, "agent", p), p + ".agent");
                Agent(agent, p + ".agent");
                if (item.ContainsKey("relevantTypes")) RelevantTypes(item["relevantTypes"], p + ".relevantTypes");
            }
        }
        if (context.ContainsKey("contextGroups"))
        {
            var list = Arr(context["contextGroups"], path + ".contextGroups");
            for (var i = 0; i < list.Count; i++)
            {
                var p = $"{path}.contextGroups[{i}]";
                var item = Obj(list[i], p);
                Keys(item, ContextGroupKeys, p);
                if (Str(Required(item, "objectType", p), p + ".objectType") != "contextGroup") throw XapiException.Bad($"{p}.objectType must be contextGroup.");
                var group = Obj(Required(item, "group", p), p + ".group");
                if (group["objectType"] is not JsonValue gv || gv.GetValueKind() != JsonValueKind.String || (string)gv! != "Group")
                    throw XapiException.Bad($"{p}.group must be a Group.");
                Actor(group, p + ".group", version);
                if (item.ContainsKey("relevantTypes")) RelevantTypes(item["relevantTypes"], p + ".relevantTypes");
            }
        }
    }

    private static void RelevantTypes(JsonNode? node, string path)
    {
        var types = Arr(node, path);
        if (types.Count == 0) throw XapiException.Bad($"{path} must not be empty.");
        for (var i = 0; i < types.Count; i++) Iri(types[i], $"{path}[{i}]");
    }

    private static void Attachments(JsonNode? node, string path)
    {
        var attachments = Arr(node, path);
        for (var i = 0; i < attachments.Count; i++)
        {
            var p = $"{path}[{i}]";
            var attachment = Obj(attachments[i], p);
            Keys(attachment, AttachmentKeys, p);
            Iri(Required(attachment, "usageType", p), p + ".usageType");
            LanguageMap(Required(attachment, "display", p), p + ".display");
            if (attachment.ContainsKey("description")) LanguageMap(attachment["description"], p + ".description");
            var contentType = Str(Required(attachment, "contentType", p), p + ".contentType");
            if (!ContentTypeRegex().IsMatch(contentType)) throw XapiException.Bad($"{p}.contentType must be an Internet media type.");
            var length = Required(attachment, "length", p);
            if (length is not JsonValue lv || lv.GetValueKind() != JsonValueKind.Number || !lv.TryGetValue<long>(out var len) || len < 0)
                throw XapiException.Bad($"{p}.length must be a non-negative integer.");
            var sha2 = Str(Required(attachment, "sha2", p), p + ".sha2");
            if (!Sha2Regex().IsMatch(sha2)) throw XapiException.Bad($"{p}.sha2 must be a SHA-2 hex string.");
            if (attachment.ContainsKey("fileUrl")) Iri(attachment["fileUrl"], p + ".fileUrl");
        }
    }

    public static void Timestamp(JsonNode? node, string path, XapiVersion version)
    {
        var text = Str(node, path);
        if (ParseTimestamp(text, version) is null) throw XapiException.Bad($"{path} '{text}' is not an ISO 8601 timestamp.");
    }

    /// <summary>ISO 8601 date-time as xAPI uses it; "-00:00" is refused (RFC 3339 unknown offset); 2.0 needs an offset.</summary>
    public static DateTimeOffset? ParseTimestamp(string text, XapiVersion version)
    {
        var match = TimestampRegex().Match(text);
        if (!match.Success) return null;
        var zone = match.Groups["zone"].Value;
        if (zone is "-00:00" or "-0000" or "-00") return null;
        if (zone.Length == 0 && version == XapiVersion.V200) return null;
        var normalised = text;
        if (zone.Length == 0) normalised += "Z";
        else if (zone.Length == 3) normalised += ":00";
        else if (zone.Length == 5 && zone[0] != 'Z') normalised = text[..^5] + zone[..3] + ":" + zone[3..];
        return DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? value : null;
    }

    public static bool IsDuration(string text) => DurationRegex().IsMatch(text) && text != "P" && !text.EndsWith('T');

    public static void Extensions(JsonNode? node, string path)
    {
        var extensions = Obj(node, path);
        foreach (var (key, _) in extensions)
            if (!IsIri(key)) throw XapiException.Bad($"{path}: key '{key}' is not an IRI.");
    }

    public static void LanguageMap(JsonNode? node, string path)
    {
        var map = Obj(node, path);
        foreach (var (key, value) in map)
        {
            if (!IsLanguageTag(key)) throw XapiException.Bad($"{path}: '{key}' is not an RFC 5646 language tag.");
            Str(value, $"{path}.{key}");
        }
    }

    public static bool IsLanguageTag(string tag) => LanguageTagRegex().IsMatch(tag);

    public static void Uuid(JsonNode? node, string path)
    {
        var text = Str(node, path);
        if (!IsUuid(text)) throw XapiException.Bad($"{path} '{text}' is not a UUID.");
    }

    public static bool IsUuid(string text) => UuidRegex().IsMatch(text);

    public static void Iri(JsonNode? node, string path)
    {
        var text = Str(node, path);
        if (!IsIri(text)) throw XapiException.Bad($"{path} '{text}' is not an IRI.");
    }

    public static bool IsIri(string text) => IriRegex().IsMatch(text) && !text.Any(char.IsWhiteSpace);

    private static JsonNode Required(JsonObject obj, string key, string path) =>
        obj.TryGetPropertyValue(key, out var value)
            ? value ?? throw Null($"{path}.{key}")
            : throw XapiException.Bad($"{path}.{key} is required.");

    public static JsonObject Obj(JsonNode? node, string path) => node switch
    {
        null => throw Null(path),
        JsonObject o => o,
        _ => throw XapiException.Bad($"{path} must be an object."),
    };

    private static JsonArray Arr(JsonNode? node, string path) => node switch
    {
        null => throw Null(path),
        JsonArray a => a,
        _ => throw XapiException.Bad($"{path} must be an array."),
    };

    private static string Str(JsonNode? node, string path) => node switch
    {
        null => throw Null(path),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw XapiException.Bad($"{path} must be a string."),
    };

    private static double Num(JsonNode? node, string path) => node switch
    {
        null => throw Null(path),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        _ => throw XapiException.Bad($"{path} must be a number."),
    };

    private static void Bool(JsonNode? node, string path)
    {
        if (node is null) throw Null(path);
        if (node is not JsonValue v || (v.GetValueKind() != JsonValueKind.True && v.GetValueKind() != JsonValueKind.False))
            throw XapiException.Bad($"{path} must be a boolean.");
    }

    private static void Keys(JsonObject obj, HashSet<string> allowed, string path)
    {
        foreach (var (key, value) in obj)
        {
            if (!allowed.Contains(key)) throw XapiException.Bad($"{path}: unknown property '{key}'.");
            if (value is null) throw Null($"{path}.{key}");
        }
    }

    private static XapiException Null(string path) => XapiException.Bad($"{path} must not be null.");

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidRegex();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:.+$")]
    private static partial Regex IriRegex();

    [GeneratedRegex(@"^[0-9a-fA-F]{40}$")]
    private static partial Regex Sha1Regex();

    [GeneratedRegex(@"^[0-9a-fA-F]{56,128}$")]
    private static partial Regex Sha2Regex();

    [GeneratedRegex(@"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?$")]
    private static partial Regex ContentTypeRegex();

    [GeneratedRegex(@"^\d+\.\d+(\.\d+)?$")]
    private static partial Regex VersionRegex();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?<zone>Z|[+\-]\d{2}(:?\d{2})?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex TimestampRegex();

    [GeneratedRegex(@"^P(?:\d+(?:\.\d+)?W|(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$")]
    private static partial Regex DurationRegex();

    // RFC 5646 (BCP 47) well-formed tags, grandfathered and private-use included.
    [GeneratedRegex(@"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?|[Xx](?:-[A-Za-z0-9]{1,8})+|[Ii]-[A-Za-z]{2,8}(?:-[A-Za-z]{2,8})?)$")]
    private static partial Regex LanguageTagRegex();
}
