using System.Text.Encodings.Web;
using Fluid;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Formation.Content.Home;

/// <summary>The outcome of rendering a portal's template: HTML, or a French message for the portal's editors.</summary>
public sealed record LiquidResult(string? Html, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Renders the Liquid templates with which a portal overrides a home block's markup, in a sandbox: no file system
/// (include and render fail with a message), no network, no .NET member access beyond the values given, a step and
/// recursion budget, values HTML-encoded, and the output sanitised again like Markdown.
/// </summary>
public static class LiquidBlocks
{
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = CreateOptions();

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            FileProvider = new NoFileProvider(),
            MaxSteps = 50_000,
            MaxRecursion = 20,
        };
        options.MemberAccessStrategy = new DefaultMemberAccessStrategy();
        return options;
    }

    /// <summary>Parses without rendering: for the editor's form.</summary>
    public static string? CheckSyntax(string template) =>
        Parser.TryParse(template, out _, out var error) ? null : $"Le gabarit Liquid est mal formé : {error}";

    public static async Task<LiquidResult> RenderAsync(string template, IReadOnlyDictionary<string, object?> model)
    {
        if (!Parser.TryParse(template, out var parsed, out var error))
            return new LiquidResult(null, $"Le gabarit Liquid est mal formé : {error}");
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model) context.SetValue(name, value);
        try
        {
            var html = await parsed.RenderAsync(context, HtmlEncoder.Default);
            return new LiquidResult(Formation.Shell.Text.SafeMarkdown.SanitizeHtml(html), null);
        }
        catch (Exception ex) when (Find<FileAccessRefusedException>(ex) is { } refused)
        {
            return new LiquidResult(null, $"Un gabarit ne peut lire aucun fichier : l'inclusion de « {refused.Path} » est refusée. Le bloc par défaut est affiché à la place.");
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("steps", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("recursion", StringComparison.OrdinalIgnoreCase))
        {
            return new LiquidResult(null, "Le gabarit Liquid fait trop d'opérations (boucle trop longue ou récursion) : le bloc par défaut est affiché à la place.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new LiquidResult(null, $"Le gabarit Liquid n'a pas pu être affiché ({ex.Message}) : le bloc par défaut est affiché à la place.");
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException) if (ex is T t) return t;
        return null;
    }

    internal sealed class FileAccessRefusedException(string path) : Exception($"File access refused: {path}")
    {
        public string Path { get; } = path;
    }

    /// <summary>Refuses every file: templates live in the database, never on disk.</summary>
    private sealed class NoFileProvider : IFileProvider
    {
        public IDirectoryContents GetDirectoryContents(string subpath) => throw new FileAccessRefusedException(subpath);
        public IFileInfo GetFileInfo(string subpath) => throw new FileAccessRefusedException(subpath);
        public IChangeToken Watch(string filter) => NullChangeToken.Singleton;
    }
}
