using System.Net;
using Formation.Shell.Validation;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Formation.Shell.Web;

/// <summary>
/// <c>&lt;dsfr-input asp-for="Input.Email" label="Adresse électronique" type="email" autocomplete="email" /&gt;</c>:
/// a DSFR input group with its label, hint and error message tied to the field by aria-describedby.
/// </summary>
[HtmlTargetElement("dsfr-input", TagStructure = TagStructure.WithoutEndTag)]
public sealed class DsfrInputTagHelper : TagHelper
{
    [HtmlAttributeName("asp-for")] public required ModelExpression For { get; set; }
    public string Label { get; set; } = "";
    public string? Hint { get; set; }
    public string Type { get; set; } = "text";
    public string? Autocomplete { get; set; }
    public bool Textarea { get; set; }
    public bool Required { get; set; }
    public int Rows { get; set; } = 5;

    [ViewContext, HtmlAttributeNotBound] public required ViewContext ViewContext { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var errors = ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage).ToList() : [];
        var attempted = entry?.AttemptedValue;
        var value = Type == "password" ? "" : attempted ?? For.Model?.ToString() ?? "";
        var hasError = errors.Count > 0;
        var describedBy = hasError ? $" aria-describedby=\"{id}-erreur\" aria-invalid=\"true\"" : "";
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", hasError ? "fr-input-group fr-input-group--error" : "fr-input-group");
        var html = $"<label class=\"fr-label\" for=\"{id}\">{e(Label)}{(Required ? " <span aria-hidden=\"true\">*</span>" : "")}{(Hint is null ? "" : $"<span class=\"fr-hint-text\">{e(Hint)}</span>")}</label>";
        var common = $"class=\"fr-input{(hasError ? " fr-input--error" : "")}\" id=\"{id}\" name=\"{e(name)}\"{describedBy}{(Required ? " required" : "")}{(Autocomplete is null ? "" : $" autocomplete=\"{e(Autocomplete)}\"")}";
        html += Textarea
            ? $"<textarea {common} rows=\"{Rows}\">{e(value)}</textarea>"
            : $"<input {common} type=\"{e(Type)}\" value=\"{e(value)}\">";
        if (hasError) html += $"<p id=\"{id}-erreur\" class=\"fr-error-text\">{e(string.Join(" ", errors))}</p>";
        output.Content.SetHtmlContent(html);
    }
}

public static class ModelStateExtensions
{
    /// <summary>Puts a use case's errors beside the page's fields (<c>Input.Field</c>).</summary>
    public static void AddErrors(this ModelStateDictionary modelState, ValidationFailedException exception, string prefix = "Input")
    {
        foreach (var (field, messages) in exception.Errors)
            foreach (var message in messages)
                modelState.AddModelError(string.IsNullOrEmpty(prefix) ? field : $"{prefix}.{field}", message);
    }
}

/// <summary>
/// <c>&lt;heading level="2"&gt;</c> renders <c>&lt;h2&gt;</c>: for partials shown both as a page and inside another page,
/// where their headings must start one level lower to keep a single <c>h1</c>.
/// </summary>
[Microsoft.AspNetCore.Razor.TagHelpers.HtmlTargetElement("heading")]
public sealed class HeadingTagHelper : Microsoft.AspNetCore.Razor.TagHelpers.TagHelper
{
    public int Level { get; set; } = 2;

    public override void Process(Microsoft.AspNetCore.Razor.TagHelpers.TagHelperContext context, Microsoft.AspNetCore.Razor.TagHelpers.TagHelperOutput output)
    {
        output.TagName = "h" + Math.Clamp(Level, 1, 6);
        output.TagMode = Microsoft.AspNetCore.Razor.TagHelpers.TagMode.StartTagAndEndTag;
    }
}
