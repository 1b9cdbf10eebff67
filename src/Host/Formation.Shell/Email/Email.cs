using Formation.Shell.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Formation.Shell.Email;

public sealed record EmailMessage(string To, string Subject, string HtmlBody, string TextBody);

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

internal static class MimeFactory
{
    public static MimeMessage Build(EmailMessage message, string from)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody }.ToMessageBody();
        return mime;
    }
}

/// <summary>Sends through SMTP (<c>Smtp:Host</c>, <c>Smtp:Port</c>, <c>Smtp:User</c>, <c>Smtp:Password</c>, <c>Smtp:From</c>).</summary>
public sealed class SmtpEmailSender(IConfiguration configuration, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var section = configuration.GetSection("Smtp");
        using var client = new SmtpClient();
        var port = section.GetValue("Port", 587);
        await client.ConnectAsync(section["Host"], port, section.GetValue("StartTls", true) ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
        if (section["User"] is { Length: > 0 } user)
            await client.AuthenticateAsync(user, section["Password"], cancellationToken);
        await client.SendAsync(MimeFactory.Build(message, section["From"] ?? "formation@localhost"), cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        logger.LogInformation("E-mail {Subject} sent through SMTP", message.Subject);
    }
}

/// <summary>Without SMTP, mails are written as .eml files to <c>{DataPath}/mail</c>, for development and tests.</summary>
public sealed class PickupFolderEmailSender(AppPaths paths, IConfiguration configuration, ILogger<PickupFolderEmailSender> logger) : IEmailSender
{
    public string Folder => paths.Folder("mail");

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var mime = MimeFactory.Build(message, configuration["Smtp:From"] ?? "formation@localhost");
        var file = Path.Combine(Folder, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml");
        await mime.WriteToAsync(file, cancellationToken);
        logger.LogInformation("E-mail {Subject} written to {File}", message.Subject, file);
    }
}
