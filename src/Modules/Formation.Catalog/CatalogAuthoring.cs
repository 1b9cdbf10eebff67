using System.Security.Cryptography;
using Formation.Catalog.Contracts;
using Formation.Catalog.Data;
using Formation.Identity.Data;
using Formation.Identity.Organisations;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Media;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Catalog;

public sealed record CreateModule(string Slug, Guid PublisherId, ModuleContent Content);

/// <summary>
/// The catalogue's write side: modules are created and drafted by institutes on a portal (the platform portal for the
/// shared catalogue); publishing replaces the published version atomically and announces it.
/// <paramref name="actingOrganisationId"/> restricts a call to one institute's modules (null for administrators).
/// </summary>
public sealed class CatalogAuthoring(
    CatalogDbContext db, ShellDatabase database, DomainEvents events, OrganisationDirectory organisations,
    TenantContext tenant, AppPaths paths, TimeProvider time, IEnumerable<IModuleEditLock> editLocks, CurationCache curations,
    Microsoft.AspNetCore.OutputCaching.IOutputCacheStore pages)
{
    public const int MaxCoverBytes = 2 * 1024 * 1024;

    public async Task<TrainingModule> CreateAsync(CreateModule command, string? authorId, CancellationToken ct = default)
    {
        var owner = tenant.Required.Id;
        var slug = command.Slug?.Trim().ToLowerInvariant() ?? "";
        if (!ModuleContentRules.SlugPattern().IsMatch(slug) || slug.Length > 120)
            throw new ValidationFailedException("Slug", "L'adresse courte s'écrit en minuscules sans accent, chiffres et tirets.");
        var publisher = await organisations.FindAsync(command.PublisherId, ct);
        if (publisher is null || publisher.Kind != OrganisationKind.TrainingInstitute)
            throw new ValidationFailedException("PublisherId", "L'éditeur doit être un organisme de formation de ce portail.");
        var content = ModuleContentRules.Validate(command.Content);
        if (await db.Modules.AnyAsync(m => m.OwnerTenantId == owner && m.Slug == slug, ct))
            throw new ValidationFailedException("Slug", $"Un module « {slug} » existe déjà sur ce portail.");

        var now = time.GetUtcNow();
        var module = new TrainingModule { OwnerTenantId = owner, Slug = slug, PublisherId = publisher.Id, PublisherName = publisher.Name, CreatedUtc = now };
        module.Versions.Add(new ModuleVersion { ModuleId = module.Id, Number = 1, State = VersionState.Draft, Content = content, CreatedUtc = now, AuthorId = authorId });
        db.Modules.Add(module);
        await db.SaveChangesAsync(ct);
        return module;
    }

    /// <summary>A module of the current portal, with its versions and sessions; null when absent or another institute's.</summary>
    public async Task<TrainingModule?> FindOwnAsync(Guid moduleId, Guid? actingOrganisationId, CancellationToken ct = default)
    {
        var owner = tenant.Required.Id;
        var module = await db.Modules.Include(m => m.Versions).Include(m => m.Sessions)
            .FirstOrDefaultAsync(m => m.Id == moduleId && m.OwnerTenantId == owner, ct);
        return module is null || (actingOrganisationId is { } org && module.PublisherId != org) ? null : module;
    }

    public Task<List<TrainingModule>> ListOwnAsync(Guid? actingOrganisationId, CancellationToken ct = default)
    {
        var owner = tenant.Required.Id;
        return db.Modules.AsNoTracking().Include(m => m.Versions)
            .Where(m => m.OwnerTenantId == owner && (actingOrganisationId == null || m.PublisherId == actingOrganisationId))
            .OrderBy(m => m.Slug).ToListAsync(ct);
    }

    /// <summary>Saves the draft: edits the open draft, or starts the next version from the given content while the published one stays visible.</summary>
    public async Task<ModuleVersion> SaveDraftAsync(Guid moduleId, ModuleContent content, Guid? actingOrganisationId, string? authorId, CancellationToken ct = default)
    {
        var module = await FindOwnAsync(moduleId, actingOrganisationId, ct) ?? throw NotFound();
        var valid = ModuleContentRules.Validate(content);
        var draft = module.Draft;
        if (draft?.State == VersionState.Submitted)
            foreach (var editLock in editLocks)
                if (await editLock.ReasonAsync(module.Id, ct) is { } reason) throw new ValidationFailedException("Version", reason);
        if (draft is null)
        {
            draft = new ModuleVersion { ModuleId = module.Id, Number = module.Versions.Max(v => v.Number) + 1, CreatedUtc = time.GetUtcNow(), Content = valid, AuthorId = authorId };
            db.Versions.Add(draft);
        }
        draft.Content = valid with { CoverImage = valid.CoverImage ?? draft.Content?.CoverImage ?? module.Published?.Content.CoverImage };
        draft.State = VersionState.Draft;
        draft.SubmittedUtc = null;
        await db.SaveChangesAsync(ct);
        return draft;
    }

    /// <summary>Hands the draft over for review (the review process decides; administrators may publish directly).</summary>
    public async Task SubmitAsync(Guid moduleId, Guid? actingOrganisationId, CancellationToken ct = default)
    {
        await database.InTransactionAsync(async () =>
        {
            var module = await FindOwnAsync(moduleId, actingOrganisationId, ct) ?? throw NotFound();
            var draft = module.Draft ?? throw new ValidationFailedException("Version", "Aucun brouillon à soumettre.");
            ModuleContentRules.Validate(draft.Content);
            draft.State = VersionState.Submitted;
            draft.SubmittedUtc = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await events.RaiseAsync(new ModuleSubmitted(module.Id, draft.Id, module.OwnerTenantId, module.PublisherId), ct);
        }, ct);
    }

    /// <summary>Publishes the latest draft or submitted version: it replaces the published one in one transaction, with its event.</summary>
    public async Task PublishAsync(Guid moduleId, DateTimeOffset? publishedAt = null, CancellationToken ct = default)
    {
        await database.InTransactionAsync(async () =>
        {
            var module = await FindOwnAsync(moduleId, null, ct) ?? throw NotFound();
            var version = module.Draft ?? throw new ValidationFailedException("Version", "Aucune nouvelle version à publier.");
            ModuleContentRules.Validate(version.Content);
            if (module.Published is { } previous) previous.State = VersionState.Superseded;
            version.State = VersionState.Published;
            version.PublishedUtc = publishedAt ?? time.GetUtcNow();
            module.PublishedVersionId = version.Id;
            module.Retired = false;
            module.Revision++;
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new ValidationFailedException("Version", "Le module vient d'être modifié par quelqu'un d'autre : rechargez la page."); }
            await events.RaiseAsync(new ModulePublished(module.Id, version.Id, module.OwnerTenantId), ct);
        }, ct);
    }

    /// <summary>Withdraws a module from the catalogue; its versions stay for audit.</summary>
    public async Task RetireAsync(Guid moduleId, CancellationToken ct = default)
    {
        await database.InTransactionAsync(async () =>
        {
            var module = await FindOwnAsync(moduleId, null, ct) ?? throw NotFound();
            module.Retired = true;
            module.Revision++;
            await db.SaveChangesAsync(ct);
            await events.RaiseAsync(new ModuleUnpublished(module.Id, module.OwnerTenantId), ct);
        }, ct);
    }

    public async Task AddSessionAsync(Guid moduleId, DateOnly start, DateOnly end, int capacity, string? tutor, Guid? actingOrganisationId, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (end < start) errors.Add("End", "La session doit finir après son début.");
        if (capacity is < 1 or > 1000) errors.Add("Capacity", "La capacité va de 1 à 1 000 places.");
        errors.ThrowIfAny();
        var module = await FindOwnAsync(moduleId, actingOrganisationId, ct) ?? throw NotFound();
        db.Sessions.Add(new TrainingSession { ModuleId = module.Id, StartDate = start, EndDate = end, Capacity = capacity, Tutor = string.IsNullOrWhiteSpace(tutor) ? null : tutor.Trim() });
        await db.SaveChangesAsync(ct);
        if (module.PublishedVersionId is { } published)
            await events.RaiseAsync(new ModulePublished(module.Id, published, module.OwnerTenantId), ct);
    }

    /// <summary>Stores a cover image (checked by content) on the module's draft.</summary>
    public async Task SetCoverAsync(Guid moduleId, byte[] image, bool allowSvg, Guid? actingOrganisationId, CancellationToken ct = default)
    {
        if (image.Length == 0 || image.Length > MaxCoverBytes) throw new ValidationFailedException("Cover", "L'image de couverture doit peser moins de 2 Mo.");
        var extension = ImageFiles.Sniff(image, allowSvg) ?? throw new ValidationFailedException("Cover", "L'image de couverture doit être au format PNG, JPEG ou WebP.");
        var module = await FindOwnAsync(moduleId, actingOrganisationId, ct) ?? throw NotFound();
        var name = $"{module.Id:N}-{Convert.ToHexStringLower(SHA256.HashData(image))[..12]}.{extension}";
        await File.WriteAllBytesAsync(Path.Combine(paths.Folder("catalog", "covers"), name), image, ct);
        var draft = module.Draft ?? throw new ValidationFailedException("Cover", "Ouvrez un brouillon avant de changer la couverture.");
        draft.Content = draft.Content with { CoverImage = name };
        await db.SaveChangesAsync(ct);
    }

    public async Task SetCurationAsync(CatalogCurationDto curation, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        foreach (var theme in curation.Themes.Where(t => !Taxonomy.Themes.ContainsKey(t))) errors.Add("Themes", $"Thématique inconnue : {theme}.");
        foreach (var profession in curation.Professions.Where(p => !Taxonomy.Professions.ContainsKey(p))) errors.Add("Professions", $"Métier inconnu : {profession}.");
        if (curation.Mode == CurationMode.Rules && curation.Themes.Count + curation.Professions.Count == 0) errors.Add("Themes", "Choisissez au moins une thématique ou un métier.");
        errors.ThrowIfAny();
        await database.InTransactionAsync(async () =>
        {
            var row = await db.Curations.FirstOrDefaultAsync(ct);
            if (row is null) db.Curations.Add(row = new CatalogCuration());
            row.Mode = curation.Mode;
            row.Themes = curation.Themes.Distinct().ToList();
            row.Professions = curation.Professions.Distinct().ToList();
            row.PickedModuleIds = curation.PickedModuleIds.Distinct().ToList();
            await db.SaveChangesAsync(ct);
            await events.RaiseAsync(new CatalogCurationChanged(tenant.Required.Id), ct);
        }, ct);
        curations.Invalidate(tenant.Required.Id);
        await pages.EvictByTagAsync(Formation.Shell.Web.AnonymousPageCache.PortalTag(tenant.Required.Id), ct);
    }

    /// <summary>Ids of the shared (platform) modules with these slugs; unknown slugs are reported.</summary>
    public async Task<List<Guid>> SharedModuleIdsAsync(IEnumerable<string> slugs, CancellationToken ct = default)
    {
        var wanted = slugs.ToList();
        var found = await db.Modules.AsNoTracking().Where(m => m.OwnerTenantId == TenantInfo.PlatformId && wanted.Contains(m.Slug))
            .Select(m => new { m.Slug, m.Id }).ToListAsync(ct);
        var missing = wanted.Except(found.Select(f => f.Slug)).ToList();
        if (missing.Count > 0) throw new ValidationFailedException("Picked", $"Modules partagés introuvables : {string.Join(", ", missing)}.");
        return found.Select(f => f.Id).ToList();
    }

    private static ValidationFailedException NotFound() => new("Module", "Module introuvable sur ce portail.");
}
