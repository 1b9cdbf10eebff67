using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Formation.Lrs.Xapi;

/// <summary>
/// The learner preferences document of cmi5 (section 11, agent profile "cmi5LearnerPreferences"). An AU writing it with
/// its session token must send a JSON object whose <c>languagePreference</c> is a comma-separated list of language
/// tags and whose <c>audioPreference</c> is "on" or "off"; anything else is refused with 403, as cmi5 asks of the LMS.
/// Other callers (an LMS with its own credentials) write any agent profile as plain xAPI allows.
/// </summary>
internal static partial class Cmi5LearnerPreferences
{
    public const string ProfileId = "cmi5LearnerPreferences";

    /// <param name="complete">A whole document (PUT): both preferences are required; a merge (POST) may send one.</param>
    public static void Check(string? contentType, byte[] body, bool complete)
    {
        if (contentType is null || !contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
            throw Refused("must be sent as application/json");
        JsonObject document;
        try { document = JsonNode.Parse(body) as JsonObject ?? throw Refused("must be a JSON object"); }
        catch (JsonException) { throw Refused("must be a JSON object"); }
        var language = document["languagePreference"];
        var audio = document["audioPreference"];
        if (complete && (language is null || audio is null)) throw Refused("must hold languagePreference and audioPreference");
        if (language is not null && !(language.GetValueKind() == JsonValueKind.String && LanguageList().IsMatch(language.GetValue<string>())))
            throw Refused("languagePreference must be a comma-separated list of language tags");
        if (audio is not null && !(audio.GetValueKind() == JsonValueKind.String && audio.GetValue<string>() is "on" or "off"))
            throw Refused("audioPreference must be \"on\" or \"off\"");
    }

    private static XapiException Refused(string why) => new(403, $"The cmi5 learner preferences {why}.");

    // RFC 5646 tags, simplified to their shape: letters first, then subtags of letters and digits.
    [GeneratedRegex("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*(,[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)*$")]
    private static partial Regex LanguageList();
}
