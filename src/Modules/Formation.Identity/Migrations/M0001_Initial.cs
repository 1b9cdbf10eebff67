using Formation.Identity.Data;
using Formation.Shell.Data;

namespace Formation.Identity.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<IdentityDataContext>
{
    public override string Id => "0001_initial";
}
