using Formation.Learning.Data;
using Formation.Shell.Data;

namespace Formation.Learning.Migrations;

public sealed class M0001_Initial : CreateSchemaMigration<LearningDbContext>
{
    public override string Id => "0001_initial";
}

/// <summary>Enrolments can be closed (refund, seat taken back) while keeping their history.</summary>
public sealed class M0002_EnrolmentClosure : ModelChangeMigration<LearningDbContext>
{
    public override string Id => "0002_enrolment_closure";

    protected override void Up(Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder builder)
    {
        builder.AddColumn<DateTimeOffset>("ClosedUtc", "learning_enrolment", nullable: true);
        builder.AddColumn<string>("ClosedReason", "learning_enrolment", maxLength: 32, nullable: true);
    }
}
