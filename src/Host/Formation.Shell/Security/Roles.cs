using Formation.Shell.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Shell.Security;

/// <summary>The platform's roles. Ids are stable; labels are what people read.</summary>
public static class Roles
{
    public const string Learner = "learner";
    public const string EmployerManager = "employer-manager";
    public const string InstitutePublisher = "institute-publisher";
    public const string Reviewer = "reviewer";
    public const string TenantAdmin = "tenant-admin";
    public const string PlatformAdmin = "platform-admin";

    public static readonly IReadOnlyList<string> All = [Learner, EmployerManager, InstitutePublisher, Reviewer, TenantAdmin, PlatformAdmin];

    public static string Label(string role) => role switch
    {
        Learner => "Apprenant·e",
        EmployerManager => "Responsable employeur",
        InstitutePublisher => "Éditeur·rice d'organisme de formation",
        Reviewer => "Expert·e évaluateur·rice",
        TenantAdmin => "Administrateur·rice du portail",
        PlatformAdmin => "Opérateur·rice de la plateforme",
        _ => role,
    };
}

public static class Policies
{
    /// <summary>Administers the current portal: its tenant admins, and platform admins on the platform portal.</summary>
    public const string TenantAdmin = "TenantAdmin";
    /// <summary>Operates the platform: platform admins, on the platform portal only.</summary>
    public const string PlatformAdmin = "PlatformAdmin";

    public static IServiceCollection AddFormationPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(TenantAdmin, p => p.RequireRole(Roles.TenantAdmin, Roles.PlatformAdmin))
            .AddPolicy(PlatformAdmin, p => p.RequireRole(Roles.PlatformAdmin).AddRequirements(new PlatformPortalRequirement()));
        services.AddScoped<IAuthorizationHandler, PlatformPortalHandler>();
        return services;
    }
}

public sealed class PlatformPortalRequirement : IAuthorizationRequirement;

internal sealed class PlatformPortalHandler(TenantContext tenant) : AuthorizationHandler<PlatformPortalRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformPortalRequirement requirement)
    {
        if (tenant.Tenant?.IsPlatform == true) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
