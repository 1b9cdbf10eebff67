using Formation.Lrs.Data;
using Formation.Shell.Data;

namespace Formation.Lrs.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<LrsDbContext>
{
    public override string Id => "0001_initial";
}

/// <summary>Session credentials remember whether the AU read its learner's preferences (cmi5 11.0).</summary>
public sealed class M0002_SessionPreferencesRead : ModelChangeMigration<LrsDbContext>
{
    public override string Id => "0002_session_preferences_read";

    protected override void Up(Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder builder) =>
        builder.AddColumn<bool>("PreferencesRead", "lrs_session_credential", nullable: false, defaultValue: false);
}

/// <summary>
/// Fewer indexes to maintain on every statement written: the TenantId-only indexes (other indexes begin with it), the
/// unused link index on StatementSeq, and no rows without registration or target in those two indexes.
/// </summary>
public sealed class M0003_LeanerStatementIndexes : ModelChangeMigration<LrsDbContext>
{
    public override string Id => "0003_leaner_statement_indexes";

    protected override void Up(Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder builder)
    {
        builder.DropIndex("IX_lrs_statement_TenantId", "lrs_statement");
        builder.DropIndex("IX_lrs_statement_link_TenantId", "lrs_statement_link");
        builder.DropIndex("IX_lrs_statement_link_StatementSeq", "lrs_statement_link");
        builder.DropIndex("IX_lrs_statement_TenantId_Registration_Seq", "lrs_statement");
        builder.CreateIndex("IX_lrs_statement_TenantId_Registration_Seq", "lrs_statement", ["TenantId", "Registration", "Seq"], filter: LrsDbContext.RegistrationIndexFilter);
        builder.DropIndex("IX_lrs_statement_TenantId_TargetStatementId", "lrs_statement");
        builder.CreateIndex("IX_lrs_statement_TenantId_TargetStatementId", "lrs_statement", ["TenantId", "TargetStatementId"], filter: LrsDbContext.TargetIndexFilter);
    }
}
