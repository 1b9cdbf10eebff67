using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Formation.Host;

internal static class HostLogging
{
    /// <summary>
    /// Structured logs with the request id and portal on every line; JSON when <c>Logging:Json</c> is true. The console is
    /// written by a background thread: a synchronous console sink serialises every request on its lock (it showed as the
    /// largest cost of a cached page under load). Beyond 10,000 pending lines, lines are dropped rather than slowing requests.
    /// </summary>
    public static void Configure(IConfiguration configuration, LoggerConfiguration logger)
    {
        logger.ReadFrom.Configuration(configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        var json = configuration.GetValue<bool>("Logging:Json");
        logger.WriteTo.Async(sink =>
        {
            if (json) sink.Console(new RenderedCompactJsonFormatter());
            else sink.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}");
        }, bufferSize: 10_000);
    }
}
