using Formation.Identity.Data;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Identity.Organisations;

public sealed record CreateOrganisation(
    OrganisationKind Kind,
    string Name,
    string Siret,
    EmployerType? EmployerType = null,
    string? ActivityDeclarationNumber = null,
    bool Qualiopi = false,
    bool VatExempt = false);

/// <summary>Employers and training institutes of the current portal.</summary>
public sealed class OrganisationDirectory(IdentityDataContext db, TimeProvider time)
{
    public Task<List<Organisation>> ListAsync(CancellationToken ct = default) =>
        db.Organisations.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync(ct);

    public Task<Organisation?> FindAsync(Guid id, CancellationToken ct = default) => db.Organisations.FirstOrDefaultAsync(o => o.Id == id, ct);

    public async Task<Organisation> CreateAsync(CreateOrganisation command, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var siret = Siret.Normalize(command.Siret);
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Length > 200) errors.Add(nameof(command.Name), "La raison sociale est obligatoire (200 caractères au plus).");
        if (!Siret.IsValid(siret)) errors.Add(nameof(command.Siret), "Le SIRET doit compter 14 chiffres et sa clé de contrôle (Luhn) doit être juste.");
        if (command.Kind == OrganisationKind.Employer && command.EmployerType is null)
            errors.Add(nameof(command.EmployerType), "Précisez le type d'employeur : association, Département ou autre.");
        if (command.Kind == OrganisationKind.TrainingInstitute)
        {
            var nda = (command.ActivityDeclarationNumber ?? "").Replace(" ", "");
            if (nda.Length != 11 || !nda.All(char.IsAsciiDigit))
                errors.Add(nameof(command.ActivityDeclarationNumber), "Le numéro de déclaration d'activité compte 11 chiffres.");
        }
        errors.ThrowIfAny();
        if (await db.Organisations.AnyAsync(o => o.Siret == siret, ct))
            throw new ValidationFailedException(nameof(command.Siret), $"Une organisation de SIRET {siret} existe déjà sur ce portail.");

        var organisation = new Organisation
        {
            Kind = command.Kind,
            Name = command.Name.Trim(),
            Siret = siret,
            EmployerType = command.Kind == OrganisationKind.Employer ? command.EmployerType : null,
            ActivityDeclarationNumber = command.Kind == OrganisationKind.TrainingInstitute ? command.ActivityDeclarationNumber!.Replace(" ", "") : null,
            Qualiopi = command.Kind == OrganisationKind.TrainingInstitute && command.Qualiopi,
            VatExempt = command.Kind == OrganisationKind.TrainingInstitute && command.VatExempt,
            CreatedUtc = time.GetUtcNow(),
        };
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(ct);
        return organisation;
    }

    public static string KindLabel(OrganisationKind kind) => kind == OrganisationKind.Employer ? "Employeur" : "Organisme de formation";

    public static string EmployerTypeLabel(EmployerType? type) => type switch
    {
        EmployerType.Association => "Association",
        EmployerType.Departement => "Département",
        EmployerType.Other => "Autre employeur",
        _ => "",
    };
}
