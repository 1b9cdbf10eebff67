using Formation.Insights.Data;
using Formation.Shell.Data;

namespace Formation.Insights.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<InsightsDbContext>
{
    public override string Id => "0001_initial";
}
