using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Formation.Host;

internal static class HostLogging
{
    /// <summary>Structured logs with the request id and portal on every line; JSON when <c>Logging:Json</c> is true.</summary>
    public static void Configure(IConfiguration configuration, LoggerConfiguration logger)
    {
        logger.ReadFrom.Configuration(configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (configuration.GetValue<bool>("Logging:Json"))
            logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        else
            logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}");
    }
}
