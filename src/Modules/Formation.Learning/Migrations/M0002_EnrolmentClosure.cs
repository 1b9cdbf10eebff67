using Formation.Learning.Data;
using Formation.Shell.Data;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Formation.Learning.Migrations;

/// <summary>Enrolments can be closed (refund, seat taken back) while keeping their history.</summary>
public sealed class M0002_EnrolmentClosure : ModelChangeMigration<LearningDbContext>
{
    public override string Id => "0002_enrolment_closure";

    protected override void Up(MigrationBuilder builder)
    {
        // The column type the model gives DateTimeOffset: binary ticks on SQLite, timestamptz on PostgreSQL.
        if (builder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            builder.AddColumn<long>("ClosedUtc", "learning_enrolment", nullable: true);
        else
            builder.AddColumn<DateTimeOffset>("ClosedUtc", "learning_enrolment", nullable: true);
        builder.AddColumn<string>("ClosedReason", "learning_enrolment", maxLength: 32, nullable: true);
    }
}
