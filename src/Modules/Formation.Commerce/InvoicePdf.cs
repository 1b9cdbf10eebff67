using System.Globalization;
using Formation.Commerce.Data;
using Formation.Learning.Certificates;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Formation.Commerce;

/// <summary>The quote or the invoice of an order (PDFsharp, A4), with the legal mentions and the fields Chorus Pro asks for.</summary>
public static class InvoicePdf
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");

    public static byte[] Render(Order order, Seller? seller, string portalName, string operatorName, bool quote)
    {
        SystemFonts.Ensure();
        using var document = new PdfDocument();
        var title = quote ? "Devis" : $"Facture {order.InvoiceNumber}";
        document.Info.Title = title;
        document.Info.Author = operatorName;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var big = new XFont(SystemFonts.Family, 18, XFontStyleEx.Bold);
            var bold = new XFont(SystemFonts.Family, 10, XFontStyleEx.Bold);
            var body = new XFont(SystemFonts.Family, 10, XFontStyleEx.Regular);
            var small = new XFont(SystemFonts.Family, 8, XFontStyleEx.Regular);
            double x = 50, y = 60, width = page.Width.Point - 100;
            void Text(string text, XFont font, double dx = 0) { gfx.DrawString(text, font, XBrushes.Black, new XPoint(x + dx, y)); y += font.Size + 5; }

            Text(title, big);
            y += 6;
            var date = (quote ? order.CreatedUtc : order.InvoiceIssuedUtc ?? order.CreatedUtc).ToString("d MMMM yyyy", Fr);
            Text(quote ? $"Établi le {date} — valable 30 jours — référence {order.Id.ToString()[..8].ToUpperInvariant()}" : $"Date d'émission : {date}", body);
            y += 8;
            Text("Vendeur", bold);
            if (seller is not null)
            {
                Text(seller.Name, body);
                Text($"SIRET {seller.Siret}" + (seller.ActivityDeclarationNumber is { } nda ? $" — déclaration d'activité n° {nda}" : ""), body);
            }
            Text($"Facturé par {operatorName} ({portalName}), au nom et pour le compte du vendeur.", small);
            y += 6;
            Text("Acheteur", bold);
            Text(order.BuyerName, body);
            if (order.BuyerSiret is not null) Text($"SIRET {order.BuyerSiret}", body);
            if (order.ServiceCode is not null) Text($"Code service (Chorus Pro) : {order.ServiceCode}", body);
            if (order.EngagementNumber is not null) Text($"Numéro d'engagement : {order.EngagementNumber}", body);
            if (order.PurchaseOrderReference is not null) Text($"Bon de commande : {order.PurchaseOrderReference}", body);
            y += 10;

            double[] cols = [0, 250, 300, 380, 430];
            string[] heads = ["Désignation", "Qté", "PU HT", "TVA", "Total HT"];
            for (var i = 0; i < heads.Length; i++) gfx.DrawString(heads[i], bold, XBrushes.Black, new XPoint(x + cols[i], y));
            y += 4;
            gfx.DrawLine(XPens.Gray, x, y, x + width, y);
            y += 14;
            foreach (var line in order.Lines)
            {
                var label = line.ModuleTitle.Length > 48 ? line.ModuleTitle[..47] + "…" : line.ModuleTitle;
                string[] cells = [label, line.Quantity.ToString(Fr), Pricing.Euros(line.UnitPriceCents), line.VatExempt ? "exonérée" : $"{line.VatRateBasisPoints / 100m:0.#} %", Pricing.Euros(line.NetCents)];
                for (var i = 0; i < cells.Length; i++) gfx.DrawString(cells[i], body, XBrushes.Black, new XPoint(x + cols[i], y));
                y += 16;
            }
            gfx.DrawLine(XPens.Gray, x, y - 10, x + width, y - 10);
            y += 6;
            Text($"Total HT : {Pricing.Euros(order.NetCents)}", body, 300);
            Text($"TVA : {Pricing.Euros(order.VatCents)}", body, 300);
            Text($"Total TTC : {Pricing.Euros(order.TotalCents)}", bold, 300);
            y += 10;
            if (order.Lines.Any(l => l.VatExempt)) Text(Pricing.ExemptionMention, body);
            if (!quote)
            {
                Text("Paiement à 30 jours à réception de la facture, par virement ou mandat administratif.", body);
                Text("Pénalités de retard : trois fois le taux d'intérêt légal.", small);
                Text("Indemnité forfaitaire pour frais de recouvrement : 40 € (art. L. 441-10 du code de commerce).", small);
                Text("Pas d'escompte pour paiement anticipé.", small);
            }
            else Text("Pour commander : transmettez votre bon de commande depuis la page de la commande.", small);
            if (order.AgreementRequired) Text("Les places s'ouvrent après signature de la convention de formation et réception du paiement.", small);
        }
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }
}
