using Formation.Commerce.Data;
using Formation.Shell.Data;

namespace Formation.Commerce.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<CommerceDbContext>
{
    public override string Id => "0001_initial";
}
