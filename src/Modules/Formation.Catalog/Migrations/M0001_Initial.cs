using Formation.Catalog.Data;
using Formation.Shell.Data;

namespace Formation.Catalog.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<CatalogDbContext>
{
    public override string Id => "0001_initial";
}
