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
