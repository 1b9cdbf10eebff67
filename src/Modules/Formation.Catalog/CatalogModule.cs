using System.Runtime.CompilerServices;
using Formation.Catalog.Contracts;
using Formation.Shell.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Catalog;

/// <summary>
/// PLACEHOLDER on branch <c>search</c> only: declares the Catalog module, with a read side where nothing is published,
/// so that modules depending on it (Search) resolve and the host starts before the Catalog implementation is merged.
/// The real CatalogModule replaces this whole file.
/// </summary>
public sealed class CatalogModule : FormationModule
{
    public override ModuleManifest Manifest { get; } = new()
    {
        Id = "Formation.Catalog",
        Name = "Catalogue",
        Description = "Modules de formation, versions, prix, sessions, pages des modules.",
        Category = "Catalogue",
        Dependencies = ["Formation.Identity"],
        IsCore = true,
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<ICatalogReader, NothingPublishedYet>();

    private sealed class NothingPublishedYet : ICatalogReader
    {
        public Task<PublishedModule?> GetPublishedAsync(Guid moduleId, CancellationToken ct = default) => Task.FromResult<PublishedModule?>(null);

        public async IAsyncEnumerable<PublishedModule> StreamPublishedAsync([EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<CatalogCurationDto> GetCurationAsync(string tenantId, CancellationToken ct = default) => Task.FromResult(CatalogCurationDto.ShowAll);
    }
}
