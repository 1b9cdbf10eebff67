using Formation.Content.Data;
using Formation.Shell.Data;

namespace Formation.Content.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<ContentDbContext>
{
    public override string Id => "0001_initial";
}
