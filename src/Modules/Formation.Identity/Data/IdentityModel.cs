using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Formation.Identity.Data;

/// <summary>An account on one portal. The same e-mail may hold separate accounts on two portals.</summary>
public sealed class FormationUser : IdentityUser, ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Profession { get; set; }
    public Guid? OrganisationId { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

public enum OrganisationKind { Employer, TrainingInstitute }

public enum EmployerType { Association, Departement, Other }

/// <summary>An employer (association, Département, ...) or a training institute, on one portal.</summary>
public sealed class Organisation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public OrganisationKind Kind { get; set; }
    public required string Name { get; set; }
    public required string Siret { get; set; }
    public EmployerType? EmployerType { get; set; }
    /// <summary>Training institutes: numéro de déclaration d'activité (11 digits).</summary>
    public string? ActivityDeclarationNumber { get; set; }
    public bool Qualiopi { get; set; }
    public bool VatExempt { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
}

/// <summary>An e-mailed invitation to join the portal with a role (and an organisation). Only the token's hash is stored.</summary>
public sealed class Invitation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string Email { get; set; }
    public required string Role { get; set; }
    public Guid? OrganisationId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset ExpiresUtc { get; set; }
    public DateTimeOffset? AcceptedUtc { get; set; }
    public string? InvitedByUserId { get; set; }
}

public sealed class IdentityDataContext : IdentityDbContext<FormationUser>, ITenantScopedContext
{
    private readonly TenantContext _tenant;

    public IdentityDataContext(DbContextOptions<IdentityDataContext> options, ShellDatabase database, TenantContext tenant) : base(options)
    {
        _tenant = tenant;
        database.Attach(this);
    }

    public string? CurrentTenantId => _tenant.TenantId;
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Invitation> Invitations => Set<Invitation>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<FormationUser>(user =>
        {
            user.ToTable("identity_user");
            // Identity makes user names unique platform-wide; accounts are unique per portal.
            var index = user.Metadata.GetIndexes().Single(i => i.Properties.Count == 1 && i.Properties[0].Name == nameof(IdentityUser.NormalizedUserName));
            user.Metadata.RemoveIndex(index);
            user.HasIndex(u => new { u.TenantId, u.NormalizedUserName }).IsUnique().HasDatabaseName("UserNameIndex");
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.Property(u => u.Profession).HasMaxLength(64);
        });
        builder.Entity<IdentityRole>().ToTable("identity_role");
        builder.Entity<IdentityUserRole<string>>().ToTable("identity_user_role");
        builder.Entity<IdentityUserClaim<string>>().ToTable("identity_user_claim");
        builder.Entity<IdentityUserLogin<string>>().ToTable("identity_user_login");
        builder.Entity<IdentityUserToken<string>>().ToTable("identity_user_token");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("identity_role_claim");
        builder.Entity<Organisation>(o =>
        {
            o.ToTable("identity_organisation");
            o.Property(x => x.Name).HasMaxLength(200);
            o.Property(x => x.Siret).HasMaxLength(14);
            o.HasIndex(x => new { x.TenantId, x.Siret }).IsUnique();
            o.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            o.Property(x => x.EmployerType).HasConversion<string>().HasMaxLength(32);
            o.Property(x => x.ActivityDeclarationNumber).HasMaxLength(11);
        });
        builder.Entity<Invitation>(i =>
        {
            i.ToTable("identity_invitation");
            i.Property(x => x.Email).HasMaxLength(256);
            i.Property(x => x.Role).HasMaxLength(64);
            i.Property(x => x.TokenHash).HasMaxLength(64);
            i.HasIndex(x => x.TokenHash).IsUnique();
        });
        TenantModel.ApplyTenantFilters(builder, this);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) => ShellConventions.Apply(configurationBuilder, Database);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantModel.EnforceOnSave(ChangeTracker, CurrentTenantId);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantModel.EnforceOnSave(ChangeTracker, CurrentTenantId);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
