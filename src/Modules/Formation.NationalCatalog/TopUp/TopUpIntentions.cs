using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.NationalCatalog.Data;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Formation.NationalCatalog.TopUp;

public sealed record RecordTopUp(string NumeroFormation, string EmployeeName, decimal AmountEuros);

/// <summary>
/// Employer managers record their intention to top up an employee's CPF for a CPF-eligible national training, and get
/// the sheet to do it on EDEF. Intentions belong to the portal and to the manager's employer organisation.
/// </summary>
public sealed class TopUpIntentions(NationalCatalogDbContext db, NationalCatalogue catalogue, UserManager<FormationUser> users, OrganisationDirectory organisations, TimeProvider time)
{
    public const decimal MaxAmountEuros = 100_000m;

    public async Task<Organisation?> EmployerOfAsync(System.Security.Claims.ClaimsPrincipal principal, CancellationToken ct)
    {
        var user = await users.GetUserAsync(principal);
        if (user?.OrganisationId is not { } id) return null;
        var organisation = await organisations.FindAsync(id, ct);
        return organisation?.Kind == OrganisationKind.Employer ? organisation : null;
    }

    public async Task<TopUpIntention> RecordAsync(Organisation employer, string? userId, RecordTopUp command, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var training = await catalogue.FindShownAsync(command.NumeroFormation, ct);
        if (training is null) errors.Add(nameof(command.NumeroFormation), "Cette formation n'est pas au catalogue national présenté par la plateforme.");
        else if (!training.CpfEligible) errors.Add(nameof(command.NumeroFormation), "Cette formation n'est pas éligible au CPF : un abondement n'est pas possible.");
        var name = command.EmployeeName?.Trim() ?? "";
        if (name.Length is < 2 or > 200) errors.Add(nameof(command.EmployeeName), "Indiquez le nom du ou de la salarié·e (2 à 200 caractères).");
        if (command.AmountEuros <= 0 || command.AmountEuros > MaxAmountEuros || decimal.Round(command.AmountEuros, 2) != command.AmountEuros)
            errors.Add(nameof(command.AmountEuros), $"Le montant doit être un nombre d'euros positif, au centime près, d'au plus {MaxAmountEuros:N0} €.");
        var siren = CpfTransferLabel.SirenOf(employer.Siret);
        if (!CpfTransferLabel.IsSiren(siren)) errors.Add(nameof(command.NumeroFormation), "Le SIRET de votre organisation est incomplet : le SIREN est nécessaire au libellé du virement.");
        errors.ThrowIfAny();
        var intention = new TopUpIntention
        {
            OrganisationId = employer.Id, OrganisationName = employer.Name, Siren = siren, EmployeeName = name,
            NumeroFormation = training!.NumeroFormation, TrainingTitle = training.Title.Length > 500 ? training.Title[..500] : training.Title,
            AmountCents = (long)(command.AmountEuros * 100), CreatedByUserId = userId, CreatedUtc = time.GetUtcNow(),
        };
        db.TopUps.Add(intention);
        await db.SaveChangesAsync(ct);
        return intention;
    }

    /// <summary>Records the EDEF code and confirmation date, which complete the transfer label.</summary>
    public async Task<TopUpIntention> ConfirmAsync(Guid organisationId, Guid id, string? code, DateOnly? confirmedOn, CancellationToken ct)
    {
        var intention = await db.TopUps.FirstOrDefaultAsync(t => t.Id == id && t.OrganisationId == organisationId, ct)
            ?? throw new ValidationFailedException("EdefCode", "Abondement introuvable.");
        var errors = new ValidationErrors();
        code = code?.Trim().ToUpperInvariant();
        if (!CpfTransferLabel.IsEdefCode(code)) errors.Add("EdefCode", "Le code EDEF compte quatre lettres : consonne, voyelle, consonne, voyelle (ex. BABA).");
        if (confirmedOn is null) errors.Add("ConfirmedOn", "Indiquez la date de confirmation de la demande sur EDEF.");
        else if (confirmedOn > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1)) errors.Add("ConfirmedOn", "La date de confirmation ne peut être dans le futur.");
        errors.ThrowIfAny();
        intention.EdefCode = code;
        intention.ConfirmedOn = confirmedOn;
        await db.SaveChangesAsync(ct);
        return intention;
    }

    public Task<List<TopUpIntention>> ListAsync(Guid organisationId, CancellationToken ct) =>
        db.TopUps.AsNoTracking().Where(t => t.OrganisationId == organisationId).OrderByDescending(t => t.CreatedUtc).ToListAsync(ct);

    public Task<TopUpIntention?> FindAsync(Guid organisationId, Guid id, CancellationToken ct) =>
        db.TopUps.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.OrganisationId == organisationId, ct);
}
