using Formation.Insights.Data;
using Formation.Shell.Data;

namespace Formation.Insights.Migrations;

public sealed class M0002_Ratings : AddTablesMigration<InsightsDbContext>
{
    public override string Id => "0002_ratings";
    protected override IReadOnlyList<string> Tables => ["insights_module_rating"];
}
