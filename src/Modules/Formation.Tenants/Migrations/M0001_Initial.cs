using Formation.Shell.Data;
using Formation.Tenants.Data;

namespace Formation.Tenants.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<TenantsDbContext>
{
    public override string Id => "0001_initial";
}
