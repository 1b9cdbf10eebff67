using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Formation.Identity.Data;
using Formation.Shell.Email;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Formation.Identity;

public sealed record CreateAccount(string Email, string DisplayName, string? Password, IReadOnlyList<string> Roles, Guid? OrganisationId = null, string? Profession = null, bool EmailConfirmed = false);

/// <summary>Account use cases shared by pages, invitations and recipes.</summary>
public sealed class Accounts(UserManager<FormationUser> users, RoleManager<IdentityRole> roles, IdentityDataContext db, TimeProvider time)
{
    public async Task EnsureRolesAsync(CancellationToken ct = default)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), "Roles");
    }

    public async Task<FormationUser> CreateAsync(CreateAccount command, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(command.DisplayName) || command.DisplayName.Length > 200) errors.Add(nameof(command.DisplayName), "Indiquez votre nom (200 caractères au plus).");
        foreach (var role in command.Roles)
            if (!Roles.All.Contains(role)) errors.Add(nameof(command.Roles), $"Le rôle « {role} » n'existe pas.");
        if (command.Profession is not null && !Professions.All.ContainsKey(command.Profession)) errors.Add(nameof(command.Profession), "Profession inconnue.");
        if (command.OrganisationId is { } orgId && !await db.Organisations.AnyAsync(o => o.Id == orgId, ct)) errors.Add(nameof(command.OrganisationId), "Organisation inconnue sur ce portail.");
        errors.ThrowIfAny();

        var user = new FormationUser
        {
            UserName = command.Email.Trim(),
            Email = command.Email.Trim(),
            DisplayName = command.DisplayName.Trim(),
            Profession = command.Profession,
            OrganisationId = command.OrganisationId,
            EmailConfirmed = command.EmailConfirmed,
            CreatedUtc = time.GetUtcNow(),
        };
        var result = command.Password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, command.Password);
        Check(result, command.Password is not null && result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "Password" : "Email");
        await EnsureRolesAsync(ct);
        if (command.Roles.Count > 0) Check(await users.AddToRolesAsync(user, command.Roles), "Roles");
        return user;
    }

    public static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new ValidationFailedException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}

/// <summary>Invitations by e-mail: a random token, of which only the SHA-256 is kept; valid 14 days, once.</summary>
public sealed class Invitations(IdentityDataContext db, Accounts accounts, IEmailSender email, TenantContext tenant, TimeProvider time)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(14);

    public async Task<string> InviteAsync(string address, string role, Guid? organisationId, string? invitedBy, string acceptUrlBase, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (!System.Net.Mail.MailAddress.TryCreate(address?.Trim(), out _)) errors.Add("Email", "Adresse électronique invalide.");
        if (!Roles.All.Contains(role) || role == Roles.PlatformAdmin) errors.Add("Role", "Rôle invalide.");
        if (organisationId is { } orgId && !await db.Organisations.AnyAsync(o => o.Id == orgId, ct)) errors.Add("OrganisationId", "Organisation inconnue sur ce portail.");
        errors.ThrowIfAny();

        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        db.Invitations.Add(new Invitation
        {
            Email = address!.Trim(),
            Role = role,
            OrganisationId = organisationId,
            TokenHash = Hash(token),
            CreatedUtc = now,
            ExpiresUtc = now + Validity,
            InvitedByUserId = invitedBy,
        });
        await db.SaveChangesAsync(ct);

        var link = $"{acceptUrlBase}?jeton={Uri.EscapeDataString(token)}";
        var site = tenant.Required.Brand.SiteTitle;
        await email.SendAsync(new EmailMessage(address.Trim(), $"Invitation à rejoindre {site}",
            $"<p>Bonjour,</p><p>Vous êtes invité·e à rejoindre <strong>{System.Net.WebUtility.HtmlEncode(site)}</strong> en tant que {System.Net.WebUtility.HtmlEncode(Roles.Label(role))}.</p><p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Accepter l'invitation</a> (valable 14 jours).</p>",
            $"Bonjour,\n\nVous êtes invité·e à rejoindre {site} en tant que {Roles.Label(role)}.\nAccepter l'invitation (valable 14 jours) : {link}\n"), ct);
        return token;
    }

    public async Task<Invitation?> FindValidAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        var hash = Hash(token);
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is null || invitation.AcceptedUtc is not null || invitation.ExpiresUtc < time.GetUtcNow() ? null : invitation;
    }

    public async Task<FormationUser> AcceptAsync(string token, string displayName, string password, CancellationToken ct = default)
    {
        var invitation = await FindValidAsync(token, ct) ?? throw new ValidationFailedException("Token", "Cette invitation est invalide, expirée ou déjà utilisée.");
        var user = await accounts.CreateAsync(new CreateAccount(invitation.Email, displayName, password, [invitation.Role], invitation.OrganisationId, EmailConfirmed: true), ct);
        invitation.AcceptedUtc = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return user;
    }

    public Task<List<Invitation>> PendingAsync(CancellationToken ct = default) =>
        db.Invitations.AsNoTracking().Where(i => i.AcceptedUtc == null).OrderByDescending(i => i.CreatedUtc).ToListAsync(ct);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>Adds the portal id and display name to the sign-in cookie's principal.</summary>
public sealed class FormationClaimsFactory(UserManager<FormationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<FormationUser, IdentityRole>(users, roles, options)
{
    public const string TenantClaim = "formation:tenant";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(FormationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(TenantClaim, user.TenantId));
        identity.AddClaim(new Claim("name", string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? "" : user.DisplayName));
        return identity;
    }
}

public static class Professions
{
    /// <summary>Learner professions of child protection (see docs/domain.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["educateur-specialise"] = "Éducateur·rice spécialisé·e (DEES)",
        ["moniteur-educateur"] = "Moniteur·rice-éducateur·rice (DEME)",
        ["assistant-familial"] = "Assistant·e familial·e (DEAF)",
        ["assistant-service-social"] = "Assistant·e de service social (DEASS)",
        ["educateur-jeunes-enfants"] = "Éducateur·rice de jeunes enfants (DEEJE)",
        ["tisf"] = "Technicien·ne de l'intervention sociale et familiale (DETISF)",
        ["cesf"] = "Conseiller·ère en économie sociale et familiale (CESF)",
        ["cadre"] = "Cadre / chef·fe de service (CAFERUIS)",
        ["psychologue"] = "Psychologue",
        ["infirmier"] = "Infirmier·ère",
        ["agent-administratif"] = "Agent·e administratif·ve",
    };
}
