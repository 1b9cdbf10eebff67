using Formation.Search.Data;
using Formation.Shell.Data;

namespace Formation.Search.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<SearchDbContext>
{
    public override string Id => "0001_initial";
}
