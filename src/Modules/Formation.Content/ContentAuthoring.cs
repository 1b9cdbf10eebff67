using System.Text.Json;
using System.Text.RegularExpressions;
using Formation.Catalog.Contracts;
using Formation.Content.Data;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Formation.Shell.Search;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

/// <summary>What an editor (or a recipe, or a proposing professional) sends for one item.</summary>
public sealed record ContentInput
{
    public ContentKind Kind { get; init; }
    public string? Slug { get; init; }
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public string? BodyMarkdown { get; init; }
    public Guid? CoverMediaId { get; init; }
    public string? SeoTitle { get; init; }
    public string? SeoDescription { get; init; }
    public DateTimeOffset? PublishUtc { get; init; }
    public DateTimeOffset? UnpublishUtc { get; init; }
    public bool Published { get; init; }
    public bool SharedWithAllPortals { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    public IReadOnlyList<string> Professions { get; init; } = [];
    public ContentFields Fields { get; init; } = new();
    public string? AuthorName { get; init; }
}

/// <summary>Editors' use cases: create and change items (each save keeps a version), delete them.</summary>
public sealed partial class ContentAuthoring(ContentDbContext db, TenantContext tenant, TimeProvider time, ContentCache cache, ShellDatabase database, Formation.Shell.Events.DomainEvents events)
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    public static string Slugify(string title)
    {
        var normalized = title.Normalize(System.Text.NormalizationForm.FormD);
        var chars = normalized.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            .Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        var slug = Regex.Replace(new string(chars.ToArray()), "-+", "-").Trim('-');
        return slug.Length > 80 ? slug[..80].Trim('-') : slug;
    }

    /// <summary>Checks and normalises an input; errors are keyed by the input's property names.</summary>
    public static ContentInput Validate(ContentInput input, bool isPlatform)
    {
        var errors = new ValidationErrors();
        var title = input.Title?.Trim() ?? "";
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugify(title) : input.Slug.Trim();
        if (title.Length is < 3 or > 200) errors.Add(nameof(input.Title), "Le titre est obligatoire (3 à 200 caractères).");
        if (slug.Length is 0 or > 120 || !SlugPattern().IsMatch(slug)) errors.Add(nameof(input.Slug), "L'adresse ne peut contenir que des lettres minuscules sans accent, des chiffres et des tirets (120 caractères au plus).");
        if ((input.Summary?.Length ?? 0) > 600) errors.Add(nameof(input.Summary), "Le résumé fait 600 caractères au plus.");
        if ((input.BodyMarkdown?.Length ?? 0) > 100_000) errors.Add(nameof(input.BodyMarkdown), "Le texte fait 100 000 caractères au plus.");
        if ((input.SeoTitle?.Length ?? 0) > 200) errors.Add(nameof(input.SeoTitle), "Le titre pour les moteurs de recherche fait 200 caractères au plus.");
        if ((input.SeoDescription?.Length ?? 0) > 320) errors.Add(nameof(input.SeoDescription), "La description pour les moteurs de recherche fait 320 caractères au plus.");
        if (input.UnpublishUtc is not null && input.PublishUtc is not null && input.UnpublishUtc <= input.PublishUtc)
            errors.Add(nameof(input.UnpublishUtc), "La date de dépublication doit suivre la date de publication.");
        foreach (var theme in input.Themes.Where(t => !Taxonomy.Themes.ContainsKey(t))) errors.Add(nameof(input.Themes), $"Thématique inconnue : {theme}.");
        foreach (var profession in input.Professions.Where(p => !Taxonomy.Professions.ContainsKey(p))) errors.Add(nameof(input.Professions), $"Métier inconnu : {profession}.");
        if (input.SharedWithAllPortals && !isPlatform) errors.Add(nameof(input.SharedWithAllPortals), "Seule la plateforme peut partager un contenu avec tous les portails.");
        var fields = input.Fields ?? new ContentFields();
        if (fields.ExternalUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            errors.Add("ExternalUrl", "Le lien doit être une adresse web complète (https://…).");
        if (input.Kind == ContentKind.GoodPractice)
        {
            if (string.IsNullOrWhiteSpace(fields.Context)) errors.Add("Context", "Décrivez le contexte de la pratique.");
            if (string.IsNullOrWhiteSpace(fields.WhatWasDone)) errors.Add("WhatWasDone", "Décrivez ce qui a été fait.");
        }
        foreach (var (name, value) in new[] { ("Context", fields.Context), ("WhatWasDone", fields.WhatWasDone), ("Results", fields.Results) })
            if ((value?.Length ?? 0) > 5000) errors.Add(name, "Ce champ fait 5 000 caractères au plus.");
        foreach (var (name, value) in new[] { ("Contact", fields.Contact), ("Territory", fields.Territory), ("Source", fields.Source) })
            if ((value?.Length ?? 0) > 300) errors.Add(name, "Ce champ fait 300 caractères au plus.");
        errors.ThrowIfAny();
        return input with
        {
            Title = title, Slug = slug, Summary = input.Summary?.Trim() ?? "", BodyMarkdown = input.BodyMarkdown ?? "",
            SeoTitle = Blank(input.SeoTitle), SeoDescription = Blank(input.SeoDescription), AuthorName = Blank(input.AuthorName),
            Themes = input.Themes.Distinct().ToList(), Professions = input.Professions.Distinct().ToList(),
            Fields = fields with
            {
                ExternalUrl = Blank(fields.ExternalUrl), Source = Blank(fields.Source), Context = Blank(fields.Context), WhatWasDone = Blank(fields.WhatWasDone),
                Results = Blank(fields.Results), Contact = Blank(fields.Contact), Territory = Blank(fields.Territory),
                ResourceFormat = input.Kind == ContentKind.Resource ? fields.ResourceFormat ?? ResourceFormat.Guide : null,
            },
        };
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Creates (<paramref name="id"/> null) or changes an item of the current portal and keeps the new version.</summary>
    /// <param name="expectedVersion">The version the editor started from: a save over someone else's is refused.</param>
    public async Task<ContentItem> SaveAsync(Guid? id, ContentInput input, string? savedBy, int? expectedVersion = null, ContentStatus? status = null, CancellationToken ct = default)
    {
        var current = tenant.Required;
        var valid = Validate(input, current.IsPlatform);
        await CheckMediaAsync(valid, ct);
        ContentItem item;
        var now = time.GetUtcNow();
        if (id is null)
        {
            item = new ContentItem { Slug = valid.Slug!, Title = valid.Title, Kind = valid.Kind, CreatedUtc = now, AuthorUserId = savedBy };
            db.Items.Add(item);
        }
        else
        {
            item = await db.Items.SingleOrDefaultAsync(i => i.Id == id, ct) ?? throw new ValidationFailedException("Id", "Ce contenu n'existe pas ou plus.");
            if (expectedVersion is not null && expectedVersion != item.Version)
                throw new ValidationFailedException("Title", "Ce contenu a été modifié par quelqu'un d'autre pendant que vous l'éditiez : rechargez la page.");
            if (item.Kind != valid.Kind) throw new ValidationFailedException("Kind", "Le type d'un contenu ne change pas.");
        }
        if (await db.Items.AnyAsync(i => i.Id != item.Id && i.Kind == valid.Kind && i.Slug == valid.Slug, ct))
            throw new ValidationFailedException(nameof(ContentInput.Slug), "Cette adresse est déjà prise par un autre contenu du même type.");

        item.Slug = valid.Slug!;
        item.Title = valid.Title;
        item.Summary = valid.Summary ?? "";
        item.BodyMarkdown = valid.BodyMarkdown ?? "";
        item.CoverMediaId = valid.CoverMediaId;
        item.SeoTitle = valid.SeoTitle;
        item.SeoDescription = valid.SeoDescription;
        item.UnpublishUtc = valid.UnpublishUtc;
        item.SharedWithAllPortals = valid.SharedWithAllPortals;
        item.Themes = valid.Themes.ToList();
        item.Professions = valid.Professions.ToList();
        item.Fields = valid.Fields;
        item.AuthorName = valid.AuthorName ?? item.AuthorName;
        item.Status = status ?? (valid.Published ? ContentStatus.Published : ContentStatus.Draft);
        // A published item without a date is published now; a future date schedules it (visibility is decided at read time).
        item.PublishUtc = valid.PublishUtc ?? (item.Status == ContentStatus.Published ? item.PublishUtc ?? now : null);
        item.UpdatedUtc = now;
        item.Version++;
        db.Versions.Add(new ContentVersion
        {
            ItemId = item.Id, Number = item.Version, SavedBy = savedBy, SavedUtc = now,
            Snapshot = JsonSerializer.Serialize(Snapshot(item), ContentJson.Options),
        });
        try
        {
            // The search re-reads the item after commit: the change and its event are stored together.
            await database.InTransactionAsync(async () =>
            {
                await db.SaveChangesAsync(ct);
                await events.RaiseAsync(new SearchableDocumentChanged(ContentSearchSource.SourceName, item.Id.ToString("D")), ct);
            }, ct);
        }
        catch (DbUpdateConcurrencyException) { throw new ValidationFailedException("Title", "Ce contenu a été modifié par quelqu'un d'autre pendant que vous l'éditiez : rechargez la page."); }
        cache.Invalidate(current.Id);
        return item;
    }

    private async Task CheckMediaAsync(ContentInput input, CancellationToken ct)
    {
        foreach (var (field, mediaId, mustBeImage) in new[] { ("CoverMediaId", input.CoverMediaId, true), ("DocumentMediaId", input.Fields.DocumentMediaId, false) })
        {
            if (mediaId is null) continue;
            var media = await db.Media.SingleOrDefaultAsync(m => m.Id == mediaId, ct);
            if (media is null) throw new ValidationFailedException(field, "Ce fichier n'est pas dans la médiathèque du portail.");
            if (mustBeImage && !media.IsImage) throw new ValidationFailedException(field, "La couverture doit être une image.");
            if (!mustBeImage && media.IsImage) throw new ValidationFailedException(field, "Le document doit être un PDF.");
        }
    }

    public static ContentInput Snapshot(ContentItem item) => new()
    {
        Kind = item.Kind, Slug = item.Slug, Title = item.Title, Summary = item.Summary, BodyMarkdown = item.BodyMarkdown,
        CoverMediaId = item.CoverMediaId, SeoTitle = item.SeoTitle, SeoDescription = item.SeoDescription, PublishUtc = item.PublishUtc,
        UnpublishUtc = item.UnpublishUtc, Published = item.Status == ContentStatus.Published, SharedWithAllPortals = item.SharedWithAllPortals,
        Themes = item.Themes, Professions = item.Professions, Fields = item.Fields, AuthorName = item.AuthorName,
    };

    public async Task<IReadOnlyList<ContentVersion>> VersionsAsync(Guid itemId, CancellationToken ct = default) =>
        await db.Versions.Where(v => v.ItemId == itemId).OrderByDescending(v => v.Number).ToListAsync(ct);

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var item = await db.Items.SingleOrDefaultAsync(i => i.Id == id, ct) ?? throw new ValidationFailedException("Id", "Ce contenu n'existe pas ou plus.");
        db.Items.Remove(item);
        await database.InTransactionAsync(async () =>
        {
            await db.SaveChangesAsync(ct);
            await events.RaiseAsync(new SearchableDocumentChanged(ContentSearchSource.SourceName, id.ToString("D")), ct);
        }, ct);
        cache.Invalidate(tenant.Required.Id);
    }
}

public static class ContentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
