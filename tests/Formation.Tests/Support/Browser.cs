using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Formation.Tests.Support;

/// <summary>
/// A browser for flows that leave the portal (single sign-on): one cookie jar; the portal's host goes to the
/// in-memory TestServer, any other address (the local OIDC provider) over real loopback sockets. Redirects and
/// auto-posted forms (OIDC form_post) are followed by hand, one hop at a time, and recorded in <see cref="History"/>.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _web;

    public Browser(FormationFactory factory, Uri baseAddress)
    {
        BaseAddress = baseAddress;
        Portal = factory.CreateDefaultClient(baseAddress, new CookieContainerHandler(Cookies));
        _web = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true });
    }

    public Uri BaseAddress { get; }
    public CookieContainer Cookies { get; } = new();
    /// <summary>The portal, without automatic redirects; works with <see cref="FormClient"/>.</summary>
    public HttpClient Portal { get; }
    /// <summary>Every request made by <see cref="SendAsync"/>, as "METHOD absolute-url".</summary>
    public List<string> History { get; } = [];

    public Uri Resolve(string url) => new(BaseAddress, url);

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, Resolve(url)));

    public Task<HttpResponseMessage> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) });

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (!request.RequestUri!.IsAbsoluteUri) request.RequestUri = Resolve(request.RequestUri.OriginalString);
        History.Add($"{request.Method} {request.RequestUri}");
        var client = IsPortal(request.RequestUri) ? Portal : _web;
        return await client.SendAsync(request);
    }

    public bool IsPortal(Uri uri) => string.Equals(uri.Host, BaseAddress.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Follows redirects and auto-submitted forms until a page that waits for the person.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage response, int maxHops = 12)
    {
        for (var hop = 0; hop < maxHops; hop++)
        {
            var from = response.RequestMessage!.RequestUri!;
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(from, location)));
                continue;
            }
            if (await AutoPostFormAsync(response) is { } form)
            {
                response = await PostFormAsync(new Uri(from, form.Action), form.Fields);
                continue;
            }
            return response;
        }
        throw new Xunit.Sdk.XunitException("Too many redirects:\n" + string.Join("\n", History));
    }

    public sealed record Form(string Action, List<KeyValuePair<string, string>> Fields);

    /// <summary>An OIDC form_post answer: a page that posts its hidden fields as soon as it loads.</summary>
    public static async Task<Form?> AutoPostFormAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html") return null;
        var html = await response.Content.ReadAsStringAsync();
        if (!html.Contains("onload=\"document.forms[0].submit()\"", StringComparison.Ordinal)) return null;
        var action = FormAction().Match(html);
        if (!action.Success) return null;
        var fields = HiddenInput().Matches(html)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))
            .ToList();
        return new Form(WebUtility.HtmlDecode(action.Groups[1].Value), fields);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    public void Dispose()
    {
        Portal.Dispose();
        _web.Dispose();
    }
}
