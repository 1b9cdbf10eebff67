using Formation.Content.Data;
using Formation.Content.Pages.Admin.Contenus;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Formation.Content.Pages;

public sealed record ContentFieldsView(ContentForm Form, IReadOnlyList<ContentMedia> Media, ModelStateDictionary State, string PreviewUrl, bool Proposal);
