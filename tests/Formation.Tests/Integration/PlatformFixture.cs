using Formation.Tests.Support;

namespace Formation.Tests.Integration;

/// <summary>One host per test run (collection), each test class with its own fresh portals.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<FormationFactory>
{
    public const string Name = "platform";
}
