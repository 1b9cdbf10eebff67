using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Formation.Content.Data;
using Formation.Content.Home;
using Formation.Shell.Recipes;
using Formation.Shell.Validation;

namespace Formation.Content.Recipes;

/// <summary>
/// <c>{"name":"content","tenant":"…","media":[…],"items":[…],"menu":[…],"home":[…]}</c>: a portal's content. The export
/// of <c>/admin/contenus/export</c> is this step's JSON, so a portal can be set up or copied from a file.
/// </summary>
public sealed class ContentStepModel
{
    [Required] public required string Tenant { get; init; }
    public List<MediaModel> Media { get; init; } = [];
    public List<ItemModel> Items { get; init; } = [];
    /// <summary>When present, replaces the portal's menu.</summary>
    public List<MenuModel>? Menu { get; init; }
    /// <summary>When present, replaces the home page's blocks, in this order.</summary>
    public List<HomeBlockInput>? Home { get; init; }

    public sealed class MediaModel
    {
        /// <summary>How items refer to it (cover, document).</summary>
        [Required] public required string Key { get; init; }
        /// <summary>A file beside the recipe…</summary>
        public string? File { get; init; }
        /// <summary>…or its bytes in base64 (exports).</summary>
        public string? Data { get; init; }
        public string? FileName { get; init; }
        public string? Alt { get; init; }
    }

    public sealed class ItemModel
    {
        public ContentKind Kind { get; init; }
        [Required] public required string Title { get; init; }
        public string? Slug { get; init; }
        public string? Summary { get; init; }
        public string? Body { get; init; }
        public string? Cover { get; init; }
        public string? SeoTitle { get; init; }
        public string? SeoDescription { get; init; }
        public DateTimeOffset? Publish { get; init; }
        public DateTimeOffset? Unpublish { get; init; }
        public bool Published { get; init; } = true;
        public bool Shared { get; init; }
        public List<string> Themes { get; init; } = [];
        public List<string> Professions { get; init; } = [];
        public string? Author { get; init; }
        public ResourceFormat? Format { get; init; }
        public string? Link { get; init; }
        public string? Document { get; init; }
        public string? Source { get; init; }
        public string? Context { get; init; }
        public string? WhatWasDone { get; init; }
        public string? Results { get; init; }
        public string? Contact { get; init; }
        public string? Territory { get; init; }
    }

    public sealed class MenuModel
    {
        [Required] public required string Text { get; init; }
        [Required] public required string Url { get; init; }
        public List<MenuModel> Children { get; init; } = [];
    }
}

public sealed class ContentStep(ContentTransfer transfer) : RecipeStep<ContentStepModel>
{
    public override string Name => "content";

    protected override async Task ExecuteAsync(ContentStepModel model, RecipeContext context, CancellationToken ct)
    {
        context.UseTenant(model.Tenant, "tenant");
        try { await transfer.ImportAsync(model, (file, field) => context.ResolvePath(file, field), ct); }
        catch (ContentTransfer.FieldException ex) { throw new RecipeFieldException(ex.Field, ex.Message); }
    }
}
