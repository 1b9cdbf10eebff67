using System.Text.Json;
using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Formation.Content.Data;

public enum ContentKind { Page, News, Resource, GoodPractice }

/// <summary>
/// Draft and Published are the editors' states; Submitted, ChangesRequested and Rejected are those of a good practice
/// proposed by a professional and moderated by the portal's editors.
/// </summary>
public enum ContentStatus { Draft, Published, Submitted, ChangesRequested, Rejected }

public enum ResourceFormat { Guide, Toolkit, Video, Document }

/// <summary>What only some kinds carry (a resource's format and source, a good practice's context and results…).</summary>
public sealed record ContentFields
{
    public ResourceFormat? ResourceFormat { get; init; }
    /// <summary>A video or an external document.</summary>
    public string? ExternalUrl { get; init; }
    /// <summary>A PDF of the media library.</summary>
    public Guid? DocumentMediaId { get; init; }
    /// <summary>Who produced the resource (HAS, ONPE, a Département…).</summary>
    public string? Source { get; init; }
    public string? Context { get; init; }
    public string? WhatWasDone { get; init; }
    public string? Results { get; init; }
    public string? Contact { get; init; }
    public string? Territory { get; init; }
}

/// <summary>A page, news article, resource or good practice of a portal (the platform's can be shared with every portal).</summary>
public sealed class ContentItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public ContentKind Kind { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string Summary { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    public Guid? CoverMediaId { get; set; }
    public string? SeoTitle { get; set; }
    public string? SeoDescription { get; set; }
    public DateTimeOffset? PublishUtc { get; set; }
    public DateTimeOffset? UnpublishUtc { get; set; }
    public ContentStatus Status { get; set; }
    /// <summary>Platform items only: shown on every portal.</summary>
    public bool SharedWithAllPortals { get; set; }
    public List<string> Themes { get; set; } = [];
    public List<string> Professions { get; set; } = [];
    public ContentFields Fields { get; set; } = new();
    public string? AuthorName { get; set; }
    public string? AuthorUserId { get; set; }
    public string? AuthorEmail { get; set; }
    /// <summary>The moderators' last message to the author of a proposed good practice.</summary>
    public string? ModerationMessage { get; set; }
    public Guid? WorkflowInstanceId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset UpdatedUtc { get; set; }
}

/// <summary>Every saved state of an item, kept for history (a JSON snapshot of the item).</summary>
public sealed class ContentVersion : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid ItemId { get; set; }
    public int Number { get; set; }
    public required string Snapshot { get; set; }
    public string? SavedBy { get; set; }
    public DateTimeOffset SavedUtc { get; set; }
}

/// <summary>An image or PDF of a portal's media library, stored under the data path.</summary>
public sealed class ContentMedia : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public required string FileName { get; set; }
    /// <summary>png, jpg, webp or pdf: from the file's first bytes.</summary>
    public required string Extension { get; set; }
    public long Size { get; set; }
    /// <summary>Required for images; empty for PDFs.</summary>
    public string AltText { get; set; } = "";
    public DateTimeOffset CreatedUtc { get; set; }

    public bool IsImage => Extension != "pdf";
    public string StoredName => $"{Id:N}.{Extension}";
}

/// <summary>An entry of the portal's menu; a child's parent is a top-level entry (one level of nesting).</summary>
public sealed class ContentMenuItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid? ParentId { get; set; }
    public required string Text { get; set; }
    public required string Url { get; set; }
    public int Order { get; set; }
}

public enum HomeBlockKind { Hero, FeaturedModules, LatestNews, ResourcesByTheme, CallToAction }

/// <summary>A block of the portal's home page, in the order its editors choose.</summary>
public sealed class HomeBlock : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public HomeBlockKind Kind { get; set; }
    public int Order { get; set; }
    public string? Title { get; set; }
    public string? Text { get; set; }
    public string? ButtonText { get; set; }
    public string? ButtonUrl { get; set; }
    public string? Theme { get; set; }
    public int Count { get; set; } = 3;
    /// <summary>A Liquid template replacing the block's markup (sandboxed), or none.</summary>
    public string? Template { get; set; }
}

public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<ContentDbContext>(options, database, tenant)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DbSet<ContentItem> Items => Set<ContentItem>();
    public DbSet<ContentVersion> Versions => Set<ContentVersion>();
    public DbSet<ContentMedia> Media => Set<ContentMedia>();
    public DbSet<ContentMenuItem> MenuItems => Set<ContentMenuItem>();
    public DbSet<HomeBlock> HomeBlocks => Set<HomeBlock>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var list = new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode())), l => l.ToList());
        var item = modelBuilder.Entity<ContentItem>();
        item.ToTable("content_item");
        item.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        item.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        item.Property(i => i.Slug).HasMaxLength(120);
        item.Property(i => i.Title).HasMaxLength(200);
        item.Property(i => i.Summary).HasMaxLength(600);
        item.Property(i => i.SeoTitle).HasMaxLength(200);
        item.Property(i => i.SeoDescription).HasMaxLength(320);
        item.Property(i => i.AuthorName).HasMaxLength(200);
        item.Property(i => i.AuthorUserId).HasMaxLength(64);
        item.Property(i => i.AuthorEmail).HasMaxLength(256);
        item.Property(i => i.ModerationMessage).HasMaxLength(2000);
        item.Property(i => i.Themes).HasConversion(v => string.Join(',', v), v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(), list).HasMaxLength(1000);
        item.Property(i => i.Professions).HasConversion(v => string.Join(',', v), v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(), list).HasMaxLength(1000);
        item.Property(i => i.Fields).HasConversion(v => JsonSerializer.Serialize(v, Json), v => JsonSerializer.Deserialize<ContentFields>(v, Json) ?? new ContentFields());
        item.Property(i => i.Version).IsConcurrencyToken();
        item.HasIndex(i => new { i.TenantId, i.Kind, i.Slug }).IsUnique();
        item.HasIndex(i => new { i.TenantId, i.Status });

        var version = modelBuilder.Entity<ContentVersion>();
        version.ToTable("content_version");
        version.HasIndex(v => new { v.ItemId, v.Number }).IsUnique();
        version.Property(v => v.SavedBy).HasMaxLength(64);

        var media = modelBuilder.Entity<ContentMedia>();
        media.ToTable("content_media");
        media.Property(m => m.FileName).HasMaxLength(200);
        media.Property(m => m.Extension).HasMaxLength(8);
        media.Property(m => m.AltText).HasMaxLength(300);
        media.HasIndex(m => new { m.TenantId, m.CreatedUtc });

        var menu = modelBuilder.Entity<ContentMenuItem>();
        menu.ToTable("content_menu_item");
        menu.Property(m => m.Text).HasMaxLength(80);
        menu.Property(m => m.Url).HasMaxLength(400);
        menu.HasIndex(m => new { m.TenantId, m.Order });

        var block = modelBuilder.Entity<HomeBlock>();
        block.ToTable("content_home_block");
        block.Property(b => b.Kind).HasConversion<string>().HasMaxLength(24);
        block.Property(b => b.Title).HasMaxLength(200);
        block.Property(b => b.Text).HasMaxLength(2000);
        block.Property(b => b.ButtonText).HasMaxLength(80);
        block.Property(b => b.ButtonUrl).HasMaxLength(400);
        block.Property(b => b.Theme).HasMaxLength(64);
        block.Property(b => b.Template).HasMaxLength(20_000);
        block.HasIndex(b => new { b.TenantId, b.Order });
    }
}
