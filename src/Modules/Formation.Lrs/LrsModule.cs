using Formation.Lrs.Contracts;
using Formation.Shell.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Lrs;

public sealed class LrsModule : FormationModule
{
    public const string Feature = "Lrs";

    public override ModuleManifest Manifest { get; } = new()
    {
        Id = Feature,
        Name = "Entrepôt xAPI (LRS)",
        Description = "Learning Record Store xAPI 1.0.3 et 2.0 à l'adresse /xapi : déclarations, documents d'état et de profil, identifiants par portail.",
        Category = "Apprentissage",
        Dependencies = ["Formation.Tenants"],
    };

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<ILrsStatementWriter, NotReadyLrs>();
        services.AddScoped<ILrsStatementReader, NotReadyLrs>();
        services.AddScoped<ILrsDocuments, NotReadyLrs>();
        services.AddScoped<ILrsSessionTokens, NotReadyLrs>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) { }
}

/// Placeholder so that the contract can be coded against while the store is built.
internal sealed class NotReadyLrs : ILrsStatementWriter, ILrsStatementReader, ILrsDocuments, ILrsSessionTokens
{
    public Task<Guid> StoreAsync(System.Text.Json.Nodes.JsonObject statement, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<IReadOnlyList<LrsStatementSummary>> ForRegistrationAsync(Guid registration, CancellationToken ct = default) => throw new NotImplementedException();
    public Task PutStateAsync(string activityId, System.Text.Json.Nodes.JsonObject agent, Guid? registration, string stateId, string contentType, byte[] content, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<byte[]?> GetStateAsync(string activityId, System.Text.Json.Nodes.JsonObject agent, Guid? registration, string stateId, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<byte[]?> GetAgentProfileAsync(System.Text.Json.Nodes.JsonObject agent, string profileId, CancellationToken ct = default) => throw new NotImplementedException();
    public Task<string> IssueAsync(LrsSessionGrant grant, CancellationToken ct = default) => throw new NotImplementedException();
    public Task RevokeAsync(string token, CancellationToken ct = default) => throw new NotImplementedException();
}
