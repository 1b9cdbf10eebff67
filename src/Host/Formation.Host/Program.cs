using Formation.Host;
using Formation.Shell.Modules;
using Formation.Shell.Web;
using Scalar.AspNetCore;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.Host.UseSerilog((context, services, logger) => HostLogging.Configure(context.Configuration, logger));
builder.Services.AddFormationShell(builder.Configuration, ModuleCatalog.Create(ModuleCatalog.Discover(typeof(Program).Assembly)));
builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "Formation — API";
    document.Info.Description = "API JSON de la plateforme Formation. Chaque portail répond sur son propre hôte et ne renvoie que ses données.";
    return Task.CompletedTask;
}));

var app = builder.Build();

app.UseSerilogRequestLogging(options => options.EnrichDiagnosticContext = (diagnostics, http) =>
    diagnostics.Set("RequestId", http.TraceIdentifier));
app.UseFormationShell();
app.MapFormationShell();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/api-docs", options => options.WithTitle("Formation — API"));

return await HostCommands.RunAsync(app, args);

public partial class Program;
