using System.Text.Json;
using Formation.Content.Data;
using Formation.Content.Home;
using Formation.Content.Recipes;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

/// <summary>Import and export of a portal's content as the <c>content</c> recipe step.</summary>
public sealed class ContentTransfer(ContentDbContext db, ContentAuthoring authoring, MediaLibrary library, ContentMenus menus, HomeBlocks home, TenantContext tenant, Formation.Shell.Data.AppPaths paths)
{
    public sealed class FieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>Items are matched by kind and address, so importing twice updates rather than duplicates.</summary>
    public async Task ImportAsync(ContentStepModel model, Func<string, string, string> resolveFile, CancellationToken ct = default)
    {
        var media = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var existingMedia = await db.Media.AsNoTracking().ToListAsync(ct);
        for (var i = 0; i < model.Media.Count; i++)
        {
            var m = model.Media[i];
            byte[] bytes;
            if (m.File is not null) bytes = await File.ReadAllBytesAsync(resolveFile(m.File, $"media[{i}].file"), ct);
            else if (m.Data is not null)
            {
                try { bytes = Convert.FromBase64String(m.Data); }
                catch (FormatException) { throw new FieldException($"media[{i}].data", "Contenu base64 invalide."); }
            }
            else throw new FieldException($"media[{i}]", "Indiquez « file » (un fichier à côté de la recette) ou « data » (base64).");
            var name = m.FileName ?? Path.GetFileName(m.File) ?? m.Key;
            var same = existingMedia.FirstOrDefault(e => e.FileName == name && e.Size == bytes.Length);
            if (same is not null) { media[m.Key] = same.Id; continue; }
            try { media[m.Key] = (await library.UploadAsync(name, bytes, m.Alt, ct)).Id; }
            catch (ValidationFailedException ex) { throw new FieldException($"media[{i}]", ex.Message); }
        }

        Guid? Media(string? key, string field) => key is null ? null : media.TryGetValue(key, out var id) ? id : throw new FieldException(field, $"Média inconnu : « {key} » (déclarez-le dans « media »).");

        for (var i = 0; i < model.Items.Count; i++)
        {
            var m = model.Items[i];
            var input = new ContentInput
            {
                Kind = m.Kind, Slug = m.Slug, Title = m.Title, Summary = m.Summary, BodyMarkdown = m.Body, CoverMediaId = Media(m.Cover, $"items[{i}].cover"),
                SeoTitle = m.SeoTitle, SeoDescription = m.SeoDescription, PublishUtc = m.Publish, UnpublishUtc = m.Unpublish, Published = m.Published,
                SharedWithAllPortals = m.Shared, Themes = m.Themes, Professions = m.Professions, AuthorName = m.Author,
                Fields = new ContentFields
                {
                    ResourceFormat = m.Format, ExternalUrl = m.Link, DocumentMediaId = Media(m.Document, $"items[{i}].document"), Source = m.Source,
                    Context = m.Context, WhatWasDone = m.WhatWasDone, Results = m.Results, Contact = m.Contact, Territory = m.Territory,
                },
            };
            var slug = string.IsNullOrWhiteSpace(m.Slug) ? ContentAuthoring.Slugify(m.Title) : m.Slug;
            var existing = await db.Items.AsNoTracking().Where(x => x.Kind == m.Kind && x.Slug == slug).Select(x => (Guid?)x.Id).SingleOrDefaultAsync(ct);
            try { await authoring.SaveAsync(existing, input, "recette", ct: ct); }
            catch (ValidationFailedException ex) { throw new FieldException($"items[{i}].{JsonNamingPolicy.CamelCase.ConvertName(ex.FirstField)}", ex.Message); }
        }

        if (model.Menu is not null)
        {
            var entries = new List<MenuEntryInput>();
            foreach (var existing in await menus.ListAsync(ct)) entries.Add(new MenuEntryInput(existing.Id, null, null, null, 0, Delete: true));
            var order = 0;
            foreach (var top in model.Menu)
            {
                var id = Guid.NewGuid();
                entries.Add(new MenuEntryInput(id, top.Text, top.Url, null, order++, false));
                foreach (var child in top.Children) entries.Add(new MenuEntryInput(Guid.NewGuid(), child.Text, child.Url, id, order++, false));
            }
            try { await menus.SaveAsync(entries, ct); }
            catch (ValidationFailedException ex) { throw new FieldException("menu", ex.Message); }
        }

        if (model.Home is not null)
        {
            try { await home.ReplaceAllAsync(model.Home, ct); }
            catch (ValidationFailedException ex) { throw new FieldException("home", ex.Message); }
        }
    }

    /// <summary>The portal's own content (not the platform's shared items), media included as base64.</summary>
    public async Task<ContentStepModel> ExportAsync(CancellationToken ct = default)
    {
        var tenantId = tenant.Required.Id;
        var items = await db.Items.AsNoTracking().Where(i => i.Status == ContentStatus.Published || i.Status == ContentStatus.Draft).OrderBy(i => i.Kind).ThenBy(i => i.Slug).ToListAsync(ct);
        var usedMedia = items.SelectMany(i => new[] { i.CoverMediaId, i.Fields.DocumentMediaId }).OfType<Guid>().ToHashSet();
        var mediaRows = await db.Media.AsNoTracking().Where(m => usedMedia.Contains(m.Id)).ToListAsync(ct);
        var mediaModels = new List<ContentStepModel.MediaModel>();
        foreach (var m in mediaRows)
        {
            var path = Path.Combine(paths.Folder("content", "media", tenantId), m.StoredName);
            if (!File.Exists(path)) continue;
            mediaModels.Add(new ContentStepModel.MediaModel { Key = m.Id.ToString("N"), FileName = m.FileName, Alt = m.AltText.Length == 0 ? null : m.AltText, Data = Convert.ToBase64String(await File.ReadAllBytesAsync(path, ct)) });
        }
        var exported = mediaModels.Select(m => m.Key).ToHashSet();
        string? Key(Guid? id) => id is { } g && exported.Contains(g.ToString("N")) ? g.ToString("N") : null;
        var menuRows = await menus.ListAsync(ct);
        return new ContentStepModel
        {
            Tenant = tenantId,
            Media = mediaModels,
            Items = items.Select(i => new ContentStepModel.ItemModel
            {
                Kind = i.Kind, Title = i.Title, Slug = i.Slug, Summary = i.Summary.Length == 0 ? null : i.Summary, Body = i.BodyMarkdown, Cover = Key(i.CoverMediaId),
                SeoTitle = i.SeoTitle, SeoDescription = i.SeoDescription, Publish = i.PublishUtc, Unpublish = i.UnpublishUtc, Published = i.Status == ContentStatus.Published,
                Shared = i.SharedWithAllPortals, Themes = i.Themes, Professions = i.Professions, Author = i.AuthorName, Format = i.Fields.ResourceFormat,
                Link = i.Fields.ExternalUrl, Document = Key(i.Fields.DocumentMediaId), Source = i.Fields.Source, Context = i.Fields.Context,
                WhatWasDone = i.Fields.WhatWasDone, Results = i.Fields.Results, Contact = i.Fields.Contact, Territory = i.Fields.Territory,
            }).ToList(),
            Menu = menuRows.Where(r => r.ParentId is null).Select(r => new ContentStepModel.MenuModel
            {
                Text = r.Text, Url = r.Url,
                Children = menuRows.Where(c => c.ParentId == r.Id).Select(c => new ContentStepModel.MenuModel { Text = c.Text, Url = c.Url }).ToList(),
            }).ToList(),
            Home = (await home.ListAsync(ct)).Select(HomeBlocks.ToInput).ToList(),
        };
    }
}
