using Formation.Lrs.Data;
using Formation.Shell.Data;

namespace Formation.Lrs.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<LrsDbContext>
{
    public override string Id => "0001_initial";
}
