using System.Text.Json.Nodes;
using Formation.Content.Data;
using Formation.Shell.Data;
using Formation.Shell.Email;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Workflows.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Formation.Content;

/// <summary>
/// Good practices proposed by professionals, moderated by the portal's editors through the "content-moderation"
/// workflow (one instance per proposal): approve publishes, "changes" sends it back to its author with a message,
/// reject closes it with a message.
/// </summary>
public sealed class Moderation(
    ContentDbContext db, ShellDatabase database, IWorkflowEngine engine, IWorkflowDefinitions definitions, ContentAuthoring authoring,
    ContentCache cache, TenantContext tenant, TimeProvider time, IEmailSender email, ILogger<Moderation> logger, Formation.Shell.Events.DomainEvents events)
{
    public const string DefinitionId = "content-moderation";
    public const string CorrelationType = "content-item";

    public static string DefinitionJson()
    {
        using var stream = typeof(Moderation).Assembly.GetManifestResourceStream(
            typeof(Moderation).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("content-moderation.json", StringComparison.Ordinal)))!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Saves the definition when it is new or changed (an identical text saves nothing).</summary>
    public Task EnsureDefinitionAsync(CancellationToken ct = default) => definitions.SaveAsync(DefinitionJson(), null, ct);

    public sealed record Author(string UserId, string Name, string? Email);

    public async Task<ContentItem> ProposeAsync(ContentInput input, Author author, WorkflowActor actor, CancellationToken ct = default)
    {
        await EnsureDefinitionAsync(ct);
        ContentItem item = null!;
        await database.InTransactionAsync(async () =>
        {
            item = await authoring.SaveAsync(null, Proposal(input, author), author.UserId, status: ContentStatus.Submitted, ct: ct);
            item.AuthorEmail = author.Email;
            var instance = await engine.StartAsync(new StartWorkflow(DefinitionId, CorrelationType, item.Id.ToString(), new JsonObject { ["title"] = item.Title }), actor, ct);
            item.WorkflowInstanceId = instance.Id;
            await db.SaveChangesAsync(ct);
        }, ct);
        return item;
    }

    private static ContentInput Proposal(ContentInput input, Author author) =>
        input with { Kind = ContentKind.GoodPractice, Published = false, SharedWithAllPortals = false, PublishUtc = null, UnpublishUtc = null, AuthorName = author.Name };

    /// <summary>The author changes a proposal sent back to them and proposes it again.</summary>
    public async Task ResubmitAsync(Guid itemId, ContentInput input, Author author, WorkflowActor actor, CancellationToken ct = default)
    {
        var item = await MineAsync(itemId, author.UserId, ct);
        if (item.Status != ContentStatus.ChangesRequested || item.WorkflowInstanceId is null)
            throw new ValidationFailedException("Title", "Cette proposition n'attend pas de modification.");
        await database.InTransactionAsync(async () =>
        {
            await authoring.SaveAsync(item.Id, Proposal(input, author) with { Slug = item.Slug }, author.UserId, item.Version, ContentStatus.Submitted, ct);
            await engine.FireAsync(item.WorkflowInstanceId.Value, "resubmit", WorkflowActor.System, "Proposée à nouveau par son auteur·rice", ct: ct);
        }, ct);
    }

    public async Task<IReadOnlyList<ContentItem>> ProposalsOfAsync(string userId, CancellationToken ct = default) =>
        await db.Items.AsNoTracking().Where(i => i.Kind == ContentKind.GoodPractice && i.AuthorUserId == userId && i.WorkflowInstanceId != null)
            .OrderByDescending(i => i.UpdatedUtc).ToListAsync(ct);

    public async Task<ContentItem> MineAsync(Guid itemId, string userId, CancellationToken ct = default) =>
        await db.Items.SingleOrDefaultAsync(i => i.Id == itemId && i.AuthorUserId == userId && i.WorkflowInstanceId != null, ct)
        ?? throw new ValidationFailedException("Id", "Cette proposition n'existe pas.");

    public sealed record PendingProposal(WorkflowTaskDto Task, ContentItem Item);

    /// <summary>The open moderation tasks of the portal with their proposals.</summary>
    public async Task<IReadOnlyList<PendingProposal>> PendingAsync(CancellationToken ct = default)
    {
        var tasks = await engine.OpenTasksAsync(DefinitionId, ct);
        var ids = tasks.Select(t => Guid.TryParse(t.CorrelationId, out var id) ? id : Guid.Empty).ToList();
        var items = await db.Items.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        return tasks.Where(t => Guid.TryParse(t.CorrelationId, out var id) && items.ContainsKey(id))
            .Select(t => new PendingProposal(t, items[Guid.Parse(t.CorrelationId)])).ToList();
    }

    /// <summary>An editor decides: "approve", "changes" or "reject". A message is required unless approving.</summary>
    public async Task DecideAsync(Guid taskId, string outcome, string? message, WorkflowActor actor, CancellationToken ct = default)
    {
        if (outcome is not ("approve" or "changes" or "reject")) throw new ValidationFailedException("Outcome", "Décision inconnue.");
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (outcome != "approve" && message is null) throw new ValidationFailedException("Message", "Expliquez votre décision à l'auteur·rice : le message est obligatoire pour demander des modifications ou refuser.");
        if (message?.Length > 2000) throw new ValidationFailedException("Message", "Le message fait 2 000 caractères au plus.");
        var task = await engine.FindTaskAsync(taskId, ct);
        if (task is null || task.DefinitionId != DefinitionId || !Guid.TryParse(task.CorrelationId, out var itemId))
            throw new ValidationFailedException("Outcome", "Cette tâche de modération n'existe pas.");
        ContentItem item = null!;
        await database.InTransactionAsync(async () =>
        {
            item = await db.Items.SingleOrDefaultAsync(i => i.Id == itemId, ct) ?? throw new ValidationFailedException("Outcome", "La proposition n'existe plus.");
            await engine.DecideAsync(taskId, outcome, message, actor, ct);
            // The item follows the workflow in the same transaction: published the moment the editor approves.
            item.Status = outcome switch { "approve" => ContentStatus.Published, "changes" => ContentStatus.ChangesRequested, _ => ContentStatus.Rejected };
            item.ModerationMessage = message;
            var now = time.GetUtcNow();
            if (outcome == "approve") item.PublishUtc = now;
            item.UpdatedUtc = now;
            await db.SaveChangesAsync(ct);
            await events.RaiseAsync(new Formation.Shell.Search.SearchableDocumentChanged(ContentSearchSource.SourceName, item.Id.ToString("D")), ct);
        }, ct);
        cache.Invalidate(tenant.Required.Id);
        await NotifyAuthorAsync(item, outcome, message, ct);
    }

    private async Task NotifyAuthorAsync(ContentItem item, string outcome, string? message, CancellationToken ct)
    {
        if (item.AuthorEmail is null) return;
        var (subject, text) = outcome switch
        {
            "approve" => ($"Votre bonne pratique « {item.Title} » est publiée", "Merci : elle est désormais visible sur le portail."),
            "changes" => ($"Votre bonne pratique « {item.Title} » : modifications demandées", "L'équipe éditoriale vous demande quelques modifications avant publication. Retrouvez-la dans « Mes propositions »."),
            _ => ($"Votre bonne pratique « {item.Title} » n'est pas retenue", "L'équipe éditoriale ne publiera pas cette proposition."),
        };
        var body = message is null ? text : $"{text}\n\nMessage de l'équipe éditoriale :\n{message}";
        try { await email.SendAsync(new EmailMessage(item.AuthorEmail, subject, $"<p>{System.Net.WebUtility.HtmlEncode(body).Replace("\n", "<br>")}</p>", body), ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The decision stands and the author sees the message in « Mes propositions »: a mail failure is only logged.
            logger.LogWarning(ex, "Moderation e-mail to the author of {ItemId} failed", item.Id);
        }
    }
}
