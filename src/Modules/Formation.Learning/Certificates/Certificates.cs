using System.Globalization;
using System.Security.Cryptography;
using Formation.Catalog.Contracts;
using Formation.Learning.Contracts;
using Formation.Learning.Data;
using Formation.Shell.Events;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Formation.Learning.Certificates;

/// <summary>Issues the "certificat de réalisation" of a completed enrolment: its statements are frozen in the row.</summary>
public sealed class CertificateIssuer(LearningDbContext db, ICatalogReader catalog, LearningPeople people, DomainEvents events, TimeProvider time)
{
    public const string Nature = "Action de formation";
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no I, O, 0, 1: codes are read aloud and typed

    public static string NewCode()
    {
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }

    public async Task<Certificate> IssueAsync(Enrolment enrolment, CancellationToken ct)
    {
        var existing = await db.Certificates.FirstOrDefaultAsync(c => c.EnrolmentId == enrolment.Id, ct);
        if (existing is not null) return existing;
        var module = await catalog.GetLastPublishedAsync(enrolment.ModuleId, ct);
        var learner = await people.FindAsync(enrolment.UserId);
        var now = time.GetUtcNow();
        var certificate = new Certificate
        {
            Code = NewCode(),
            EnrolmentId = enrolment.Id,
            UserId = enrolment.UserId,
            LearnerName = learner?.DisplayName is { Length: > 0 } n ? n : learner?.Email ?? "—",
            TrainingTitle = module?.Title ?? "Formation",
            InstituteName = module?.PublisherName ?? "—",
            Nature = Nature,
            StartDate = DateOnly.FromDateTime((enrolment.FirstLaunchUtc ?? enrolment.EnrolledUtc).UtcDateTime),
            EndDate = DateOnly.FromDateTime((enrolment.CompletedUtc ?? now).UtcDateTime),
            DurationHours = module?.DurationHours ?? 0,
            IssuedUtc = now,
        };
        db.Certificates.Add(certificate);
        await events.RaiseAsync(new EnrolmentCompleted(enrolment.Id, enrolment.UserId, enrolment.ModuleId, certificate.Code), ct);
        return certificate;
    }

    public Task<Certificate?> FindByCodeAsync(string code, CancellationToken ct) =>
        db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code.Trim().ToUpperInvariant(), ct);
}

/// <summary>Draws the certificate with PDFsharp (A4, one page).</summary>
public static class CertificatePdf
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");

    public static byte[] Render(Certificate c, string portalName, string verifyUrl)
    {
        SystemFonts.Ensure();
        using var document = new PdfDocument();
        document.Info.Title = $"Certificat de réalisation — {c.TrainingTitle}";
        document.Info.Author = portalName;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var title = new XFont(SystemFonts.Family, 22, XFontStyleEx.Bold);
            var heading = new XFont(SystemFonts.Family, 12, XFontStyleEx.Bold);
            var body = new XFont(SystemFonts.Family, 11, XFontStyleEx.Regular);
            var small = new XFont(SystemFonts.Family, 9, XFontStyleEx.Regular);
            double x = 60, y = 80, width = page.Width.Point - 120;
            gfx.DrawString("Certificat de réalisation", title, XBrushes.Black, new XRect(x, y, width, 30), XStringFormats.TopCenter);
            y += 50;
            gfx.DrawString(portalName, body, XBrushes.DimGray, new XRect(x, y, width, 20), XStringFormats.TopCenter);
            y += 50;
            void Line(string label, string value)
            {
                gfx.DrawString(label, heading, XBrushes.Black, new XPoint(x, y));
                foreach (var part in Wrap(gfx, value, body, width - 170))
                {
                    gfx.DrawString(part, body, XBrushes.Black, new XPoint(x + 170, y));
                    y += 18;
                }
                y += 8;
            }
            Line("Apprenant·e", c.LearnerName);
            Line("Intitulé", c.TrainingTitle);
            Line("Nature de l'action", c.Nature + " (article L. 6313-1 du code du travail)");
            Line("Dates", $"du {c.StartDate.ToString("d MMMM yyyy", Fr)} au {c.EndDate.ToString("d MMMM yyyy", Fr)}");
            Line("Durée", $"{c.DurationHours.ToString("0.##", Fr)} heure{(c.DurationHours >= 2 ? "s" : "")}");
            Line("Organisme de formation", c.InstituteName);
            y += 20;
            foreach (var part in Wrap(gfx, $"L'organisme de formation certifie que l'apprenant·e désigné·e ci-dessus a suivi et achevé l'action de formation décrite, dont l'assiduité et la réalisation ont été enregistrées par la plateforme.", body, width))
            {
                gfx.DrawString(part, body, XBrushes.Black, new XPoint(x, y));
                y += 16;
            }
            y += 30;
            gfx.DrawString($"Code de vérification : {c.Code}", heading, XBrushes.Black, new XPoint(x, y));
            y += 18;
            gfx.DrawString($"Vérifiable à l'adresse {verifyUrl}", small, XBrushes.DimGray, new XPoint(x, y));
            y += 14;
            gfx.DrawString($"Délivré le {c.IssuedUtc.ToString("d MMMM yyyy", Fr)}", small, XBrushes.DimGray, new XPoint(x, y));
        }
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx.MeasureString(candidate, font).Width > width) { yield return line; line = word; }
            else line = candidate;
        }
        if (line.Length > 0) yield return line;
    }
}

/// <summary>
/// PDFsharp's portable build finds no fonts by itself: it reads DejaVu Sans (or Liberation Sans) from the system
/// (Debian: fonts-dejavu-core; the test script installs it) or from <c>Learning:FontDirectory</c>.
/// </summary>
public sealed class SystemFonts : IFontResolver
{
    public const string Family = "Certificat";
    private static readonly object Gate = new();
    private static bool _installed;
    public static string? Directory { get; set; }

    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf|/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ];

    public static void Ensure()
    {
        lock (Gate)
        {
            if (_installed) return;
            GlobalFontSettings.FontResolver ??= new SystemFonts();
            _installed = true;
        }
    }

    private static (string Regular, string Bold) Files()
    {
        if (Directory is { } dir)
        {
            var regular = System.IO.Directory.EnumerateFiles(dir, "*.ttf").OrderBy(f => f.Length).FirstOrDefault(f => !f.Contains("Bold", StringComparison.OrdinalIgnoreCase));
            var bold = System.IO.Directory.EnumerateFiles(dir, "*Bold*.ttf").OrderBy(f => f.Length).FirstOrDefault();
            if (regular is not null) return (regular, bold ?? regular);
        }
        foreach (var pair in Candidates)
        {
            var parts = pair.Split('|');
            if (File.Exists(parts[0])) return (parts[0], File.Exists(parts[1]) ? parts[1] : parts[0]);
        }
        throw new InvalidOperationException("No TrueType font found for certificates: install fonts-dejavu-core or set Learning:FontDirectory.");
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "certificat-bold" : "certificat-regular");

    public byte[]? GetFont(string faceName)
    {
        var (regular, boldFile) = Files();
        return File.ReadAllBytes(faceName == "certificat-bold" ? boldFile : regular);
    }
}
