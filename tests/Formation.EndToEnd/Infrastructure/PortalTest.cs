using System.Runtime.ExceptionServices;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Formation.EndToEnd.Infrastructure;

/// <summary>Base of the browser tests: a new browser context per test, and a screenshot when the test fails.</summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalFixture fixture, ITestOutputHelper output)
{
    protected PortalFixture Fixture { get; } = fixture;
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Folder of failure screenshots, under the test output folder.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Runs <paramref name="test"/> in a fresh page; on failure saves a full-page screenshot named after <paramref name="name"/>.</summary>
    protected async Task InPageAsync(string name, Func<IPage, Task> test)
    {
        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "fr-FR",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => Output.WriteLine($"[page error] {error}");
        try
        {
            await test(page);
        }
        catch (Exception ex)
        {
            var screenshot = await TryScreenshotAsync(page, name);
            Output.WriteLine($"Failed on {page.Url}; screenshot: {screenshot ?? "(none)"}");
            if (screenshot is null) ExceptionDispatchInfo.Capture(ex).Throw();
            throw new EndToEndFailure($"{ex.Message}\nPage: {page.Url}\nScreenshot: {screenshot}", ex);
        }
    }

    private static async Task<string?> TryScreenshotAsync(IPage page, string name)
    {
        try
        {
            Directory.CreateDirectory(ScreenshotFolder);
            var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
            var path = Path.Combine(ScreenshotFolder, $"{safe}-{DateTime.Now:yyyyMMdd-HHmmss}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 10_000 });
            return path;
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }
}

/// <summary>A failed browser test, with the page and the screenshot taken when it failed.</summary>
public sealed class EndToEndFailure(string message, Exception inner) : Exception(message, inner);
