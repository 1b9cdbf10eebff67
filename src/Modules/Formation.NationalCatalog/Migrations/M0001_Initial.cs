using Formation.NationalCatalog.Data;
using Formation.Shell.Data;

namespace Formation.NationalCatalog.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<NationalCatalogDbContext>
{
    public override string Id => "0001_initial";
}
