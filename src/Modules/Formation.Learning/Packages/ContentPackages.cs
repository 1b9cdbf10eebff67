using System.IO.Compression;
using Formation.Catalog.Contracts;
using Formation.Learning.Data;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Formation.Learning.Packages;

/// <summary>
/// Content packages of modules: import (validate, unzip safely, store under <c>{App:DataPath}/packages/{portal}/{id}/</c>),
/// listing for the publisher, and the package a registration plays. A refused package changes nothing: the previous
/// one stays current.
/// </summary>
public sealed class ContentPackages(LearningDbContext db, ICatalogAuthoringReader catalog, AppPaths paths, TenantContext tenant,
    TimeProvider time, IOptions<PackageLimits> limitsOptions)
{
    public const string ContentRoute = "/contenus";
    private readonly PackageLimits _limits = limitsOptions.Value;

    public PackageLimits Limits => _limits;

    public string Root => Path.Combine(paths.DataPath, "packages");

    public string DirectoryOf(ContentPackage package) => Path.Combine(Root, package.OwnerTenantId, package.Id.ToString("N"));

    /// <summary>Imports a package for a version of a module of the current portal (of this institute when <paramref name="publisherId"/> is given).</summary>
    public async Task<ContentPackage> ImportAsync(Guid moduleId, Guid versionId, string fileName, Stream upload, string? userId, Guid? publisherId, CancellationToken ct = default)
    {
        var module = await catalog.GetOwnAsync(moduleId, ct);
        if (module is null || (publisherId is { } p && module.PublisherId != p))
            throw new PackageRejectedException("Ce module n'existe pas ou n'est pas le vôtre.");
        var version = module.Versions.FirstOrDefault(v => v.Id == versionId)
            ?? throw new PackageRejectedException("Cette version du module n'existe pas.");

        var owner = tenant.Required.Id;
        var incoming = Path.Combine(Root, ".incoming");
        Directory.CreateDirectory(incoming);
        var temp = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
        var package = new ContentPackage
        {
            OwnerTenantId = owner, ModuleId = moduleId, VersionId = versionId, VersionNumber = version.Number,
            CourseId = "", Title = "", StructureJson = "", FileName = SafeFileName(fileName), UploadedBy = userId, UploadedUtc = time.GetUtcNow(),
        };
        var target = DirectoryOf(package);
        var partial = target + ".partial";
        try
        {
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                size = await CopyLimitedAsync(upload, file, _limits.MaxUploadBytes, ct);
            }
            if (size == 0) throw new PackageRejectedException("Le fichier envoyé est vide.");
            package.SizeBytes = size;
            CourseStructure structure;
            if (IsZip(temp))
            {
                ZipArchive archive;
                try { archive = ZipFile.OpenRead(temp); }
                catch (InvalidDataException) { throw new PackageRejectedException("Le fichier n'est pas une archive zip lisible (archive corrompue ou tronquée)."); }
                using (archive)
                {
                    try
                    {
                        SafeZip.Inspect(archive, _limits);
                        var entries = archive.Entries.ToDictionary(e => e.FullName.Replace('\\', '/'), StringComparer.Ordinal);
                        if (entries.TryGetValue("cmi5.xml", out var cmi5))
                        {
                            structure = CourseStructureReader.ReadCmi5(OpenLimited(cmi5), _limits);
                            package.Kind = PackageKind.Cmi5Zip;
                        }
                        else if (entries.TryGetValue("tincan.xml", out var tincan))
                        {
                            structure = CourseStructureReader.ReadTinCan(OpenLimited(tincan), _limits);
                            package.Kind = PackageKind.TinCanZip;
                        }
                        else
                        {
                            throw new PackageRejectedException("L'archive ne contient ni cmi5.xml ni tincan.xml à sa racine : placez le fichier de structure du cours à la racine du zip.");
                        }
                        foreach (var au in structure.Aus())
                        {
                            if (IsAbsoluteWeb(au.Url)) continue;
                            if (Uri.TryCreate(au.Url, UriKind.Absolute, out _))
                                throw new PackageRejectedException($"L'AU « {au.Title} » a une adresse « {au.Url} » qui n'est ni relative au paquet ni en http(s).");
                            var path = RelativePath(au.Url);
                            if (path is null || !entries.ContainsKey(path))
                                throw new PackageRejectedException($"L'AU « {au.Title} » pointe vers « {au.Url} », absent du paquet.");
                        }
                        var (files, _) = SafeZip.Extract(archive, partial, _limits, size);
                        package.FileCount = files;
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new PackageRejectedException($"L'archive zip est corrompue : {ex.Message}");
                    }
                }
            }
            else
            {
                await using var xml = File.OpenRead(temp);
                structure = CourseStructureReader.ReadCmi5(xml, _limits);
                package.Kind = PackageKind.Cmi5Xml;
                foreach (var au in structure.Aus())
                    if (!IsAbsoluteWeb(au.Url))
                        throw new PackageRejectedException($"Un cmi5.xml seul doit désigner ses AU par des adresses absolues en http(s) : l'AU « {au.Title} » pointe vers « {au.Url} ». Envoyez un zip pour des contenus inclus.");
                Directory.CreateDirectory(partial);
                File.Copy(temp, Path.Combine(partial, "cmi5.xml"));
                package.FileCount = 1;
            }
            if (!structure.Aus().Any()) throw new PackageRejectedException("Le cours ne contient aucune AU.");
            package.CourseId = structure.Id.Length > 2000 ? throw new PackageRejectedException("L'identifiant du cours est trop long.") : structure.Id;
            package.Title = structure.Title.Length > 500 ? structure.Title[..500] : structure.Title;
            package.StructureJson = structure.ToJson();

            Directory.Move(partial, target);
            try
            {
                foreach (var previous in await db.Packages.Where(x => x.VersionId == versionId && x.OwnerTenantId == owner && x.Current).ToListAsync(ct))
                    previous.Current = false;
                db.Packages.Add(package);
                await db.SaveChangesAsync(ct);
            }
            catch
            {
                TryDelete(target);
                throw;
            }
            return package;
        }
        finally
        {
            TryDelete(partial);
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>The current package of each version of a module of the current portal, newest version first.</summary>
    public Task<List<ContentPackage>> ListForModuleAsync(Guid moduleId, CancellationToken ct = default)
    {
        var owner = tenant.Required.Id;
        return db.Packages.AsNoTracking().Where(x => x.ModuleId == moduleId && x.OwnerTenantId == owner && x.Current)
            .OrderByDescending(x => x.VersionNumber).ToListAsync(ct);
    }

    /// <summary>The package learners play for a published module: the published version's, else the newest earlier version's.</summary>
    public Task<ContentPackage?> ForPublishedAsync(PublishedModule module, CancellationToken ct = default) =>
        db.Packages.AsNoTracking()
            .Where(x => x.ModuleId == module.Id && x.OwnerTenantId == module.OwnerTenantId && x.Current && x.VersionNumber <= module.VersionNumber)
            .OrderByDescending(x => x.VersionNumber).ThenByDescending(x => x.UploadedUtc).FirstOrDefaultAsync(ct);

    public Task<ContentPackage?> FindAsync(Guid id, CancellationToken ct = default) => db.Packages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);

    private Stream OpenLimited(ZipArchiveEntry entry)
    {
        if (entry.Length > _limits.MaxXmlBytes) throw new PackageRejectedException($"Le fichier {entry.FullName} dépasse {_limits.MaxXmlBytes / 1024 / 1024} Mo.");
        var buffer = new MemoryStream();
        using (var input = entry.Open()) CopyLimitedAsync(input, buffer, _limits.MaxXmlBytes, CancellationToken.None).GetAwaiter().GetResult();
        buffer.Position = 0;
        return buffer;
    }

    private static async Task<long> CopyLimitedAsync(Stream input, Stream output, long max, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max) throw new PackageRejectedException($"Le fichier dépasse la taille autorisée ({max / 1024 / 1024} Mo).");
            await output.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    private static bool IsZip(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return f.Read(head) == 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6);
    }

    private static bool IsAbsoluteWeb(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The package path an AU's relative URL names (query and fragment dropped), or null when it leaves the package.</summary>
    public static string? RelativePath(string url)
    {
        var path = url.Split('?', '#')[0];
        try { path = Uri.UnescapeDataString(path); } catch (UriFormatException) { return null; }
        try { return SafeZip.EntryPath(path); } catch (PackageRejectedException) { return null; }
    }

    private static string SafeFileName(string name)
    {
        var clean = Path.GetFileName(name.Replace('\\', '/'));
        clean = new string(clean.Where(c => !char.IsControl(c)).ToArray());
        return clean.Length == 0 ? "paquet" : clean.Length > 200 ? clean[..200] : clean;
    }

    private static void TryDelete(string directory)
    {
        try { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
