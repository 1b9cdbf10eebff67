using System.Globalization;
using Formation.Catalog.Contracts;
using Formation.Content.Contracts;
using Formation.Content.Data;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;

namespace Formation.Content.Home;

public sealed record HomeBlockInput
{
    public HomeBlockKind Kind { get; init; }
    public string? Title { get; init; }
    public string? Text { get; init; }
    public string? ButtonText { get; init; }
    public string? ButtonUrl { get; init; }
    public string? Theme { get; init; }
    public int Count { get; init; } = 3;
    public string? Template { get; init; }
}

/// <summary>One block ready to show: its settings, what it lists, and the template outcome.</summary>
public sealed record RenderedBlock(HomeBlock Block, IReadOnlyList<PublishedContent> Content, IReadOnlyList<PublishedModule> Modules, string? TemplateHtml, string? TemplateError);

/// <summary>The home page of a portal, as blocks its editors add, set up, reorder and remove.</summary>
public sealed class HomeBlocks(ContentDbContext db, TenantContext tenant, ContentReader reader, IServiceProvider services)
{
    /// <summary>What a portal shows before its editors arrange anything.</summary>
    public static IReadOnlyList<HomeBlock> Defaults(TenantInfo tenant) =>
    [
        new() { Kind = HomeBlockKind.Hero, Order = 0, Title = tenant.Brand.SiteTitle, Text = tenant.Brand.Tagline ?? "Des formations courtes et à distance pour les professionnels de la protection de l'enfance.", ButtonText = "Voir les formations", ButtonUrl = "/formations" },
        new() { Kind = HomeBlockKind.FeaturedModules, Order = 1, Title = "Formations à la une", Count = 3 },
        new() { Kind = HomeBlockKind.LatestNews, Order = 2, Title = "Dernières actualités", Count = 3 },
    ];

    public async Task<IReadOnlyList<HomeBlock>> ListAsync(CancellationToken ct = default)
    {
        var blocks = await db.HomeBlocks.AsNoTracking().OrderBy(b => b.Order).ToListAsync(ct);
        return blocks.Count > 0 ? blocks : Defaults(tenant.Required);
    }

    /// <summary>Saves the defaults as real blocks the first time an editor changes something.</summary>
    private async Task<List<HomeBlock>> MaterialiseAsync(CancellationToken ct)
    {
        var blocks = await db.HomeBlocks.OrderBy(b => b.Order).ToListAsync(ct);
        if (blocks.Count > 0) return blocks;
        foreach (var block in Defaults(tenant.Required)) db.HomeBlocks.Add(block);
        await db.SaveChangesAsync(ct);
        return await db.HomeBlocks.OrderBy(b => b.Order).ToListAsync(ct);
    }

    public static HomeBlockInput Validate(HomeBlockInput input)
    {
        var errors = new ValidationErrors();
        if ((input.Title?.Length ?? 0) > 200) errors.Add(nameof(input.Title), "Le titre fait 200 caractères au plus.");
        if ((input.Text?.Length ?? 0) > 2000) errors.Add(nameof(input.Text), "Le texte fait 2 000 caractères au plus.");
        if (!string.IsNullOrWhiteSpace(input.ButtonUrl) && !ContentMenus.IsValidUrl(input.ButtonUrl.Trim())) errors.Add(nameof(input.ButtonUrl), "L'adresse du bouton commence par / (une page du portail) ou https://.");
        if (!string.IsNullOrWhiteSpace(input.ButtonUrl) && string.IsNullOrWhiteSpace(input.ButtonText)) errors.Add(nameof(input.ButtonText), "Donnez un intitulé au bouton.");
        if (input.Kind == HomeBlockKind.ResourcesByTheme && (input.Theme is null || !Taxonomy.Themes.ContainsKey(input.Theme))) errors.Add(nameof(input.Theme), "Choisissez la thématique des ressources.");
        if (input.Count is < 1 or > 12) errors.Add(nameof(input.Count), "Un bloc montre de 1 à 12 éléments.");
        if ((input.Template?.Length ?? 0) > 20_000) errors.Add(nameof(input.Template), "Le gabarit fait 20 000 caractères au plus.");
        else if (!string.IsNullOrWhiteSpace(input.Template) && LiquidBlocks.CheckSyntax(input.Template) is { } syntax) errors.Add(nameof(input.Template), syntax);
        errors.ThrowIfAny();
        string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        return input with { Title = Blank(input.Title), Text = Blank(input.Text), ButtonText = Blank(input.ButtonText), ButtonUrl = Blank(input.ButtonUrl), Template = Blank(input.Template), Theme = input.Kind == HomeBlockKind.ResourcesByTheme ? input.Theme : null };
    }

    public async Task<HomeBlock> AddAsync(HomeBlockInput input, CancellationToken ct = default)
    {
        var valid = Validate(input);
        var blocks = await MaterialiseAsync(ct);
        var block = new HomeBlock { Kind = valid.Kind, Order = blocks.Count == 0 ? 0 : blocks.Max(b => b.Order) + 1 };
        Apply(block, valid);
        db.HomeBlocks.Add(block);
        await db.SaveChangesAsync(ct);
        return block;
    }

    public async Task<HomeBlock> UpdateAsync(Guid id, HomeBlockInput input, CancellationToken ct = default)
    {
        var valid = Validate(input);
        await MaterialiseAsync(ct);
        var block = await FindAsync(id, ct);
        Apply(block, valid with { Kind = block.Kind });
        await db.SaveChangesAsync(ct);
        return block;
    }

    /// <summary>Moves a block one place up (-1) or down (+1).</summary>
    public async Task MoveAsync(Guid id, int direction, CancellationToken ct = default)
    {
        var blocks = await MaterialiseAsync(ct);
        var index = blocks.FindIndex(b => b.Id == id);
        if (index < 0) throw new ValidationFailedException("Id", "Ce bloc n'existe plus.");
        var target = index + Math.Sign(direction);
        if (target < 0 || target >= blocks.Count) return;
        (blocks[index], blocks[target]) = (blocks[target], blocks[index]);
        for (var i = 0; i < blocks.Count; i++) blocks[i].Order = i;
        await db.SaveChangesAsync(ct);
    }

    public async Task RemoveAsync(Guid id, CancellationToken ct = default)
    {
        await MaterialiseAsync(ct);
        db.HomeBlocks.Remove(await FindAsync(id, ct));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Replaces every block (recipe import).</summary>
    public async Task ReplaceAllAsync(IReadOnlyList<HomeBlockInput> inputs, CancellationToken ct = default)
    {
        var valid = inputs.Select(Validate).ToList();
        db.HomeBlocks.RemoveRange(await db.HomeBlocks.ToListAsync(ct));
        for (var i = 0; i < valid.Count; i++)
        {
            var block = new HomeBlock { Kind = valid[i].Kind, Order = i };
            Apply(block, valid[i]);
            db.HomeBlocks.Add(block);
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<HomeBlock> FindAsync(Guid id, CancellationToken ct) =>
        await db.HomeBlocks.SingleOrDefaultAsync(b => b.Id == id, ct) ?? throw new ValidationFailedException("Id", "Ce bloc n'existe plus.");

    private static void Apply(HomeBlock block, HomeBlockInput input)
    {
        block.Title = input.Title;
        block.Text = input.Text;
        block.ButtonText = input.ButtonText;
        block.ButtonUrl = input.ButtonUrl;
        block.Theme = input.Theme;
        block.Count = input.Count;
        block.Template = input.Template;
    }

    public static HomeBlockInput ToInput(HomeBlock b) => new() { Kind = b.Kind, Title = b.Title, Text = b.Text, ButtonText = b.ButtonText, ButtonUrl = b.ButtonUrl, Theme = b.Theme, Count = b.Count, Template = b.Template };

    /// <summary>Every block with what it shows; a failing template leaves its error and lets the default markup show.</summary>
    public async Task<IReadOnlyList<RenderedBlock>> RenderAsync(string pathBase, CancellationToken ct = default)
    {
        var result = new List<RenderedBlock>();
        foreach (var block in await ListAsync(ct))
        {
            IReadOnlyList<PublishedContent> content = block.Kind switch
            {
                HomeBlockKind.LatestNews => (await reader.VisibleAsync([ContentKind.News], null, ct)).Take(block.Count).ToList(),
                HomeBlockKind.ResourcesByTheme => (await reader.VisibleAsync([ContentKind.Resource, ContentKind.GoodPractice], block.Theme, ct)).Take(block.Count).ToList(),
                _ => [],
            };
            IReadOnlyList<PublishedModule> modules = [];
            if (block.Kind == HomeBlockKind.FeaturedModules && services.GetService(typeof(ICatalogOverview)) is ICatalogOverview overview)
                modules = (await overview.GetAsync(block.Count, ct)).Newest.Take(block.Count).ToList();
            string? html = null, error = null;
            if (block.Template is { Length: > 0 } template)
            {
                var outcome = await LiquidBlocks.RenderAsync(template, LiquidModel(block, content, modules, pathBase));
                html = outcome.Html;
                error = outcome.Error;
            }
            result.Add(new RenderedBlock(block, content, modules, html, error));
        }
        return result;
    }

    /// <summary>What a template sees: plain values only (block, items), addresses already include the portal's path.</summary>
    public static IReadOnlyDictionary<string, object?> LiquidModel(HomeBlock block, IReadOnlyList<PublishedContent> content, IReadOnlyList<PublishedModule> modules, string pathBase)
    {
        var fr = CultureInfo.GetCultureInfo("fr-FR");
        var items = content.Select(c => (object)new Dictionary<string, object?>
        {
            ["title"] = c.Title, ["summary"] = c.Summary, ["url"] = pathBase + c.Url, ["kind"] = ContentKinds.Label(c.Kind),
            ["date"] = c.PublishUtc.ToString("d MMMM yyyy", fr), ["image"] = c.CoverUrl is null ? null : pathBase + c.CoverUrl, ["image_alt"] = c.CoverAlt ?? "",
        }).Concat(modules.Select(m => (object)new Dictionary<string, object?>
        {
            ["title"] = m.Title, ["summary"] = m.Summary, ["url"] = $"{pathBase}/formations/{m.Slug}", ["kind"] = "Formation",
            ["date"] = m.PublishedUtc.ToString("d MMMM yyyy", fr), ["image"] = null, ["image_alt"] = "",
        })).ToList();
        return new Dictionary<string, object?>
        {
            ["block"] = new Dictionary<string, object?>
            {
                ["kind"] = block.Kind.ToString(), ["title"] = block.Title ?? "", ["text"] = block.Text ?? "",
                ["button_text"] = block.ButtonText ?? "", ["button_url"] = block.ButtonUrl is null ? "" : block.ButtonUrl.StartsWith('/') ? pathBase + block.ButtonUrl : block.ButtonUrl,
            },
            ["items"] = items,
        };
    }
}
