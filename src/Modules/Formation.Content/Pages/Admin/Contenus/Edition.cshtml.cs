using System.Security.Claims;
using Formation.Content.Data;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Formation.Shell.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content.Pages.Admin.Contenus;

/// <summary>The form of an item, shared by the editors' page and the professionals' proposal page.</summary>
public sealed class ContentForm
{
    public ContentKind Kind { get; set; }
    public string? Title { get; set; }
    public string? Slug { get; set; }
    public string? Summary { get; set; }
    public string? BodyMarkdown { get; set; }
    public Guid? CoverMediaId { get; set; }
    public string? SeoTitle { get; set; }
    public string? SeoDescription { get; set; }
    public string? PublishAt { get; set; }
    public string? UnpublishAt { get; set; }
    public bool Published { get; set; }
    public bool SharedWithAllPortals { get; set; }
    public List<string> Themes { get; set; } = [];
    public List<string> Professions { get; set; } = [];
    public string? AuthorName { get; set; }
    public ResourceFormat? ResourceFormat { get; set; }
    public string? ExternalUrl { get; set; }
    public Guid? DocumentMediaId { get; set; }
    public string? Source { get; set; }
    public string? Context { get; set; }
    public string? WhatWasDone { get; set; }
    public string? Results { get; set; }
    public string? Contact { get; set; }
    public string? Territory { get; set; }
    public int Version { get; set; }

    public ContentInput ToInput()
    {
        DateTimeOffset? publish, unpublish;
        publish = ParisTime.Parse(PublishAt);
        try { unpublish = ParisTime.Parse(UnpublishAt); }
        catch (ValidationFailedException) { throw new ValidationFailedException("UnpublishUtc", "Date invalide : utilisez le format jj/mm/aaaa hh:mm."); }
        return new ContentInput
        {
            Kind = Kind, Title = Title ?? "", Slug = Slug, Summary = Summary, BodyMarkdown = BodyMarkdown, CoverMediaId = CoverMediaId,
            SeoTitle = SeoTitle, SeoDescription = SeoDescription, PublishUtc = publish, UnpublishUtc = unpublish, Published = Published,
            SharedWithAllPortals = SharedWithAllPortals, Themes = Themes, Professions = Professions, AuthorName = AuthorName,
            Fields = new ContentFields
            {
                ResourceFormat = ResourceFormat, ExternalUrl = ExternalUrl, DocumentMediaId = DocumentMediaId, Source = Source,
                Context = Context, WhatWasDone = WhatWasDone, Results = Results, Contact = Contact, Territory = Territory,
            },
        };
    }

    public static ContentForm From(ContentItem i) => new()
    {
        Kind = i.Kind, Title = i.Title, Slug = i.Slug, Summary = i.Summary, BodyMarkdown = i.BodyMarkdown, CoverMediaId = i.CoverMediaId,
        SeoTitle = i.SeoTitle, SeoDescription = i.SeoDescription, PublishAt = ParisTime.Input(i.PublishUtc), UnpublishAt = ParisTime.Input(i.UnpublishUtc),
        Published = i.Status == ContentStatus.Published, SharedWithAllPortals = i.SharedWithAllPortals, Themes = i.Themes, Professions = i.Professions,
        AuthorName = i.AuthorName, ResourceFormat = i.Fields.ResourceFormat, ExternalUrl = i.Fields.ExternalUrl, DocumentMediaId = i.Fields.DocumentMediaId,
        Source = i.Fields.Source, Context = i.Fields.Context, WhatWasDone = i.Fields.WhatWasDone, Results = i.Fields.Results, Contact = i.Fields.Contact,
        Territory = i.Fields.Territory, Version = i.Version,
    };

    /// <summary>Errors keyed by the use case's names, moved to the form's fields.</summary>
    public static void AddErrors(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, ValidationFailedException ex)
    {
        foreach (var (field, messages) in ex.Errors)
        {
            var name = field switch { "PublishUtc" => "PublishAt", "UnpublishUtc" => "UnpublishAt", _ => field };
            foreach (var message in messages) state.AddModelError("Input." + name, message);
        }
    }
}

[Authorize(Policy = Policies.TenantAdmin)]
public sealed class EditionModel(ContentAuthoring authoring, ContentDbContext db, MediaLibrary media, TenantContext tenant) : PageModel
{
    [BindProperty] public ContentForm Input { get; set; } = new();
    [TempData] public string? Saved { get; set; }
    public Guid? Id { get; private set; }
    public bool IsPlatform => tenant.Required.IsPlatform;
    public IReadOnlyList<ContentMedia> Media { get; private set; } = [];
    public IReadOnlyList<ContentVersion> Versions { get; private set; } = [];
    public ContentItem? Item { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, [FromQuery(Name = "type")] ContentKind? kind, CancellationToken ct)
    {
        Id = id;
        if (id is { } existing)
        {
            Item = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Id == existing, ct);
            if (Item is null) return NotFound();
            Input = ContentForm.From(Item);
        }
        else Input = new ContentForm { Kind = kind ?? ContentKind.News, ResourceFormat = kind == ContentKind.Resource ? ResourceFormat.Guide : null };
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        Id = id;
        try
        {
            var item = await authoring.SaveAsync(id, Input.ToInput(), User.FindFirstValue(ClaimTypes.NameIdentifier), id is null ? null : Input.Version, ct: ct);
            Saved = item.Status == ContentStatus.Published ? $"Enregistré et publié (version {item.Version})." : $"Brouillon enregistré (version {item.Version}).";
            return Redirect(Url.Content($"~/admin/contenus/edition/{item.Id}"));
        }
        catch (ValidationFailedException ex)
        {
            ContentForm.AddErrors(ModelState, ex);
            if (id is { } existing) Item = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Id == existing, ct);
            await LoadAsync(ct);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        await authoring.DeleteAsync(id, ct);
        return Redirect(Url.Content("~/admin/contenus"));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Media = await media.ListAsync(ct);
        if (Id is { } id) Versions = await authoring.VersionsAsync(id, ct);
    }
}
