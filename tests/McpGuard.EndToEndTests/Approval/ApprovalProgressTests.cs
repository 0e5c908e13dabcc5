using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>
/// docs/approval.md#client-timeouts: the TypeScript SDK client (v2) with <c>resetTimeoutOnProgress</c> and a request
/// timeout far shorter than the approval takes keeps waiting, because the guard sends progress on the call's token
/// while a person decides on the real desk; the approval then arrives and the call is forwarded. Both eras.
/// </summary>
public sealed partial class ApprovalProgressTests
{
    // The client gives up after 10 s without progress; the guard sends progress every second while the desk decides.
    // Ten periods of margin: a loaded machine may delay one notification by seconds (5 s of margin were thin at a load
    // of 40 on two cores).
    private const int ClientTimeoutMs = 10_000;

    // Progress notifications waited for before the approval: the call has then waited longer than the client's timeout.
    private const int Notifications = ClientTimeoutMs / 1000 + 1;

    private const string Policy = """
        version: 1
        default: allow
        tools:
          place_order: require_approval
        approval:
          timeout: 60s
          progress: 1s
          channels: [desk]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("legacy")]
    [InlineData("auto")]
    public async Task CallTool_ClientWithAShortTimeoutResetOnProgress_WaitsPastItForTheDeskApproval(string era)
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        using var http = await desk.OpenAsBrowserAsync();
        await using var client = V2ClientRun.Start(
            era, "wait-for-person", Policy, environment: new Dictionary<string, string>
        {
            ["MCPGUARD_HOME"] = home,
            ["PASS_ENV"] = "1", // the SDK hands the guard only a few variables; MCPGUARD_HOME must reach it
            ["REQUEST_TIMEOUT_MS"] = ClientTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // A progress notification a second: the call has waited longer than the client's own timeout.
        var progress = new List<JsonElement>();
        while (progress.Count < Notifications)
        {
            progress.Add(await client.StepAsync("progress"));
        }

        await ApproveAsync(http, desk);
        var order = await client.StepAsync("order");

        Assert.True(order.TryGetProperty("result", out _), order.ToString());
        Assert.Equal("placed 0.6 BTCUSDT", V2ClientRun.ResultText(order));
        Assert.Equal(Enumerable.Range(1, Notifications), progress.Select(p => p.GetProperty("progress").GetInt32()));
        Assert.Equal("waiting for a person to approve place_order", progress[0].GetProperty("message").GetString());
    }

    /// <summary>
    /// What the desk page's Approve button does for the one pending request (same origin, the page's CSRF token).
    /// </summary>
    private static async Task ApproveAsync(HttpClient http, DeskProcess desk)
    {
        using var state = JsonDocument.Parse(await http.GetStringAsync(desk.Url + "/api/state", Ct));
        var id = Assert.Single(state.RootElement.GetProperty("pending").EnumerateArray()).GetProperty("id").GetString();
        var page = await http.GetStringAsync(desk.Url + "/", Ct);
        using var decide = new HttpRequestMessage(
            HttpMethod.Post, $"{desk.Url}/api/decisions/{id}") { Content = JsonContent.Create(new { approve = true }) };
        decide.Headers.Add("Origin", desk.Url);
        decide.Headers.Add("X-McpGuard-Csrf", CsrfMeta().Match(page).Groups[1].Value);
        using var decided = await http.SendAsync(decide, Ct);
        decided.EnsureSuccessStatusCode();
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([0-9A-F]+)">""")]
    private static partial Regex CsrfMeta();
}
