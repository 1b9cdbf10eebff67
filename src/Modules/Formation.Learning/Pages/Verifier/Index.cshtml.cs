using Formation.Learning.Certificates;
using Formation.Learning.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Formation.Learning.Pages.Verifier;

/// <summary>Public confirmation of a certificate by its code: shows what the certificate says, nothing more.</summary>
[AllowAnonymous]
public sealed class VerifierModel(CertificateIssuer certificates) : PageModel
{
    public string? Code { get; private set; }
    public Certificate? Certificate { get; private set; }

    public async Task OnGetAsync(string? code, CancellationToken ct)
    {
        Code = string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();
        if (Code is null) return;
        if (Code.Length > 20) { Code = Code[..20]; return; }
        Certificate = await certificates.FindByCodeAsync(Code, ct);
    }
}
