using Formation.Content.Data;
using Formation.Shell.Data;
using Formation.Shell.Media;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content;

/// <summary>A portal's images and PDFs: type recognised from the file's first bytes, size capped, alt text required for images.</summary>
public sealed class MediaLibrary(ContentDbContext db, AppPaths paths, TenantContext tenant, TimeProvider time)
{
    public const long MaxImageBytes = 5 * 1024 * 1024;
    public const long MaxPdfBytes = 20 * 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(ImageFiles.ContentTypes) { ["pdf"] = "application/pdf" };

    public static string? Sniff(ReadOnlySpan<byte> bytes) =>
        ImageFiles.Sniff(bytes, allowSvg: false) ?? (bytes.StartsWith("%PDF-"u8) ? "pdf" : null);

    public async Task<ContentMedia> UploadAsync(string fileName, byte[] bytes, string? altText, CancellationToken ct = default)
    {
        var extension = Sniff(bytes) ?? throw new ValidationFailedException("File", "Le fichier doit être une image PNG, JPEG ou WebP, ou un document PDF (le contenu du fichier en décide, pas son nom).");
        var isImage = extension != "pdf";
        if (bytes.Length == 0 || bytes.Length > (isImage ? MaxImageBytes : MaxPdfBytes))
            throw new ValidationFailedException("File", isImage ? "Une image pèse 5 Mo au plus." : "Un PDF pèse 20 Mo au plus.");
        var alt = altText?.Trim() ?? "";
        if (isImage && alt.Length == 0) throw new ValidationFailedException("AltText", "Décrivez l'image (texte alternatif) : il est lu à celles et ceux qui ne la voient pas.");
        if (alt.Length > 300) throw new ValidationFailedException("AltText", "Le texte alternatif fait 300 caractères au plus.");
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length == 0) name = "fichier." + extension;
        if (name.Length > 200) name = name[^200..];
        var media = new ContentMedia { FileName = name, Extension = extension, Size = bytes.Length, AltText = alt, CreatedUtc = time.GetUtcNow() };
        await File.WriteAllBytesAsync(FilePath(tenant.Required.Id, media), bytes, ct);
        db.Media.Add(media);
        await db.SaveChangesAsync(ct);
        return media;
    }

    public async Task UpdateAltAsync(Guid id, string? altText, CancellationToken ct = default)
    {
        var media = await db.Media.SingleOrDefaultAsync(m => m.Id == id, ct) ?? throw new ValidationFailedException("AltText", "Ce fichier n'existe plus.");
        var alt = altText?.Trim() ?? "";
        if (media.IsImage && alt.Length == 0) throw new ValidationFailedException("AltText", "Le texte alternatif d'une image est obligatoire.");
        media.AltText = alt.Length > 300 ? alt[..300] : alt;
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<ContentMedia>> ListAsync(CancellationToken ct = default) =>
        await db.Media.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ToListAsync(ct);

    /// <summary>A file the current portal may serve: its own, or the platform's (used by shared items).</summary>
    public async Task<(ContentMedia Media, string Path)?> OpenAsync(Guid id, CancellationToken ct = default)
    {
        var tenantId = tenant.Required.Id;
        var media = await db.Media.IgnoreQueryFilters().AsNoTracking()
            .SingleOrDefaultAsync(m => m.Id == id && (m.TenantId == tenantId || m.TenantId == TenantInfo.PlatformId), ct);
        if (media is null) return null;
        var path = FilePath(media.TenantId, media);
        return File.Exists(path) ? (media, path) : null;
    }

    private string FilePath(string tenantId, ContentMedia media) => Path.Combine(paths.Folder("content", "media", tenantId), media.StoredName);
}
