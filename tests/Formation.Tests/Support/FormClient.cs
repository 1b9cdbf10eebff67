using System.Net;
using System.Text.RegularExpressions;

namespace Formation.Tests.Support;

/// <summary>Posts HTML forms the way a browser does: antiforgery token from the page, cookies kept by the client.</summary>
public static partial class FormClient
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string formUrl, IDictionary<string, string> fields, string? postUrl = null)
    {
        var page = await client.GetAsync(formUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {formUrl} answered {(int)page.StatusCode}");
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"No antiforgery token on {formUrl}");
        var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await client.PostAsync(postUrl ?? formUrl, new FormUrlEncodedContent(body));
    }

    public static async Task<HttpResponseMessage> LogInAsync(this HttpClient client, string email, string password) =>
        await client.SubmitAsync("/connexion", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
}
