using System.Text.Json;

namespace Formation.Learning.Packages;

/// <summary>cmi5 moveOn values (course structure, section 13.1.4).</summary>
public static class MoveOn
{
    public const string Passed = "Passed";
    public const string Completed = "Completed";
    public const string CompletedAndPassed = "CompletedAndPassed";
    public const string CompletedOrPassed = "CompletedOrPassed";
    public const string NotApplicable = "NotApplicable";
}

/// <summary>An assignable unit: what the learner launches.</summary>
public sealed record AuNode(
    string Id, string Title, string? Description, string Url, string MoveOn, decimal? MasteryScore,
    string LaunchMethod, string? LaunchParameters, string? EntitlementKey, string? ActivityType);

/// <summary>A block groups AUs and blocks; it is satisfied when all its children are.</summary>
public sealed record BlockNode(string Id, string Title, string? Description, IReadOnlyList<CourseChild> Children);

/// <summary>Either an AU or a block (exactly one is set).</summary>
public sealed record CourseChild(AuNode? Au, BlockNode? Block)
{
    public string Id => Au?.Id ?? Block!.Id;
}

/// <summary>The parsed course structure of a package (cmi5.xml, or a tincan.xml read as one AU per launchable activity).</summary>
public sealed record CourseStructure(string Id, string Title, string? Description, IReadOnlyList<CourseChild> Children)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static CourseStructure FromJson(string json) => JsonSerializer.Deserialize<CourseStructure>(json, Json)!;

    /// <summary>Every AU, depth first, in course order.</summary>
    public IEnumerable<AuNode> Aus() => Walk(Children).Select(c => c.Au).OfType<AuNode>();

    /// <summary>Every block, depth first.</summary>
    public IEnumerable<BlockNode> Blocks() => Walk(Children).Select(c => c.Block).OfType<BlockNode>();

    private static IEnumerable<CourseChild> Walk(IEnumerable<CourseChild> children)
    {
        foreach (var child in children)
        {
            yield return child;
            if (child.Block is { } block) foreach (var inner in Walk(block.Children)) yield return inner;
        }
    }
}
