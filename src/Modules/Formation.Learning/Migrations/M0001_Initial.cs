using Formation.Learning.Data;
using Formation.Shell.Data;

namespace Formation.Learning.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<LearningDbContext>
{
    public override string Id => "0001_initial";
}
