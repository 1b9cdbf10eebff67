using Formation.Shell.Data;
using Formation.Workflows.Data;
using Microsoft.EntityFrameworkCore;

namespace Formation.Workflows.Migrations;

internal sealed class M0001_Initial : CreateSchemaMigration<WorkflowsDbContext>
{
    public override string Id => "0001_initial";
}

/// <summary>The audit trail and definition versions refuse UPDATE and DELETE in the database itself, whatever the code does.</summary>
internal sealed class M0002_AppendOnly : ModuleMigration
{
    public override string Id => "0002_append_only";
    public override Type ContextType => typeof(WorkflowsDbContext);

    private static readonly string[] Tables = ["workflows_audit", "workflows_definition"];

    public override async Task UpAsync(DbContext context, CancellationToken cancellationToken)
    {
        var postgres = context.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;
        if (postgres)
        {
            await context.Database.ExecuteSqlRawAsync("""
                CREATE OR REPLACE FUNCTION workflows_refuse_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql;
                """, cancellationToken);
        }
        foreach (var table in Tables)
        {
            foreach (var operation in new[] { "UPDATE", "DELETE" })
            {
                var name = $"{table}_no_{operation.ToLowerInvariant()}";
                var sql = postgres
                    ? $"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION workflows_refuse_change();"
                    : $"CREATE TRIGGER {name} BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, 'append-only table {table}'); END;";
                await context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            }
        }
    }
}
