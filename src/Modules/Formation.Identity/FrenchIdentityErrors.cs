using Microsoft.AspNetCore.Identity;

namespace Formation.Identity;

/// <summary>Identity's messages, in French.</summary>
public sealed class FrenchIdentityErrors : IdentityErrorDescriber
{
    private static IdentityError E(string code, string text) => new() { Code = code, Description = text };
    public override IdentityError DefaultError() => E(nameof(DefaultError), "Une erreur inconnue s'est produite.");
    public override IdentityError ConcurrencyFailure() => E(nameof(ConcurrencyFailure), "Le compte a été modifié entre-temps : recommencez.");
    public override IdentityError PasswordMismatch() => E(nameof(PasswordMismatch), "Mot de passe incorrect.");
    public override IdentityError InvalidToken() => E(nameof(InvalidToken), "Ce lien n'est plus valide : demandez-en un nouveau.");
    public override IdentityError LoginAlreadyAssociated() => E(nameof(LoginAlreadyAssociated), "Ce compte externe est déjà associé à un compte.");
    public override IdentityError InvalidUserName(string? userName) => E(nameof(InvalidUserName), $"L'identifiant « {userName} » n'est pas valide.");
    public override IdentityError InvalidEmail(string? email) => E(nameof(InvalidEmail), $"L'adresse électronique « {email} » n'est pas valide.");
    public override IdentityError DuplicateUserName(string userName) => E(nameof(DuplicateUserName), $"Un compte existe déjà pour « {userName} » sur ce portail.");
    public override IdentityError DuplicateEmail(string email) => E(nameof(DuplicateEmail), $"Un compte existe déjà pour « {email} » sur ce portail.");
    public override IdentityError InvalidRoleName(string? role) => E(nameof(InvalidRoleName), $"Le rôle « {role} » n'est pas valide.");
    public override IdentityError DuplicateRoleName(string role) => E(nameof(DuplicateRoleName), $"Le rôle « {role} » existe déjà.");
    public override IdentityError UserAlreadyHasPassword() => E(nameof(UserAlreadyHasPassword), "Ce compte a déjà un mot de passe.");
    public override IdentityError UserLockoutNotEnabled() => E(nameof(UserLockoutNotEnabled), "Le verrouillage n'est pas activé pour ce compte.");
    public override IdentityError UserAlreadyInRole(string role) => E(nameof(UserAlreadyInRole), $"Le compte a déjà le rôle « {role} ».");
    public override IdentityError UserNotInRole(string role) => E(nameof(UserNotInRole), $"Le compte n'a pas le rôle « {role} ».");
    public override IdentityError PasswordTooShort(int length) => E(nameof(PasswordTooShort), $"Le mot de passe doit compter au moins {length} caractères.");
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => E(nameof(PasswordRequiresUniqueChars), $"Le mot de passe doit contenir au moins {uniqueChars} caractères différents.");
    public override IdentityError PasswordRequiresNonAlphanumeric() => E(nameof(PasswordRequiresNonAlphanumeric), "Le mot de passe doit contenir au moins un caractère spécial.");
    public override IdentityError PasswordRequiresDigit() => E(nameof(PasswordRequiresDigit), "Le mot de passe doit contenir au moins un chiffre.");
    public override IdentityError PasswordRequiresLower() => E(nameof(PasswordRequiresLower), "Le mot de passe doit contenir au moins une minuscule.");
    public override IdentityError PasswordRequiresUpper() => E(nameof(PasswordRequiresUpper), "Le mot de passe doit contenir au moins une majuscule.");
}
