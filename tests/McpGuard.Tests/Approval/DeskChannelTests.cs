using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.Approval;
using McpGuard.Desk;
using McpGuard.Tests.TestUtils;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Approval;

/// <summary>The guard side of the desk against a real desk (and an impostor) on loopback, in process.</summary>
public sealed partial class DeskChannelTests : IAsyncDisposable
{
    private const string Secret = "desk-channel-test-secret";
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly CapturingLogger _logger = new();
    private WebApplication? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _http.Dispose();
    }

    private DeskChannel Channel(int port, string secret = Secret) =>
        new(_http, () => port, () => secret, TimeProvider.System, _logger);

    private static Task<ApprovalOutcome?> AskAsync(DeskChannel channel, Action<string>? unavailable = null) =>
        channel.AskAsync(
            ChannelApproverTests.Request(), DateTimeOffset.UtcNow.AddMinutes(5), unavailable ?? (_ => { }), Ct);

    private async Task<int> StartDeskAsync()
    {
        (_app, var port) = await DeskApp.StartAsync(0, Secret, TimeProvider.System, NullLoggerFactory.Instance, Ct);
        return port;
    }

    [Fact]
    public async Task AskAsync_NoDeskListening_IsUnavailableSayingHowToStartOne()
    {
        string? why = null;
        using var closed = LoopbackPort.HoldClosed(out var port);

        var outcome = await AskAsync(Channel(port), w => why = w);

        Assert.Null(outcome);
        Assert.Contains("start one with `mcpguard desk`", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_DeskWithAnotherSecret_IsUnavailable()
    {
        var port = await StartDeskAsync();
        string? why = null;

        var outcome = await AskAsync(Channel(port, "not-the-desks-secret"), w => why = w);

        Assert.Null(outcome);
        Assert.Contains("HTTP 401", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AskAsync_PersonDecidesOnTheDesk_ThatIsTheOutcome(bool approve)
    {
        var port = await StartDeskAsync();

        var asking = AskAsync(Channel(port));
        await _logger.WaitForAsync("posted to the desk").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await DecideAsync(port, approve);
        var outcome = await asking.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(approve, outcome!.Approved);
        Assert.Contains(
            approve ? "approved on the McpGuard desk" : "denied place_order on the McpGuard desk", outcome.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_ImpostorOnThePortApprovesWithoutProof_Refuses()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/api/guard/requests/{id}", () => Results.Ok());
        _app.MapGet("/api/guard/requests/{id}", () => Results.Json(new { state = "approved", proof = "00" }));
        await _app.StartAsync(Ct);
        var port = new Uri(_app.Urls.First()).Port;

        var outcome = await AskAsync(Channel(port));

        Assert.False(outcome!.Approved);
        Assert.Equal("the approval desk's answer could not be verified, so it is not trusted.", outcome.Reason);
        Assert.Contains("without proving it knows the secret", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_ImpostorOnThePortProvesWithWhatTheGuardSent_Refuses()
    {
        // The impostor keeps every header of the guard's post and signs its "approved" with each: the guard sent the
        // raw secret, so this approved the call (found with the real Bybit server and a fake desk on desk.port).
        var sent = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/api/guard/requests/{id}", (HttpRequest request) =>
        {
            lock (sent)
            {
                sent.AddRange(request.Headers.SelectMany(h => h.Value).OfType<string>());
            }

            return Results.Ok();
        });
        _app.MapGet("/api/guard/requests/{id}", (string id) =>
        {
            // Any header value that works as the secret signs a proof the guard accepts.
            lock (sent)
            {
                return Results.Json(new
                {
                    state = "approved",
                    proof = sent.Select(v => DeskFiles.Proof(v, id, "approved"))
                        .FirstOrDefault(p => DeskFiles.IsProof(p, Secret, id, "approved")) ?? "00",
                });
            }
        });
        await _app.StartAsync(Ct);
        var port = new Uri(_app.Urls.First()).Port;

        var outcome = await AskAsync(Channel(port));

        Assert.False(outcome!.Approved);
        Assert.DoesNotContain(Secret, sent);
    }

    /// <summary>What the page's buttons do: the page's CSRF token, same origin.</summary>
    private static async Task DecideAsync(int port, bool approve)
    {
        var origin = $"http://127.0.0.1:{port}";
        using var browser = new HttpClient(
            new SocketsHttpHandler { UseProxy = false, CookieContainer = new CookieContainer() });
        var csrf =
            CsrfMeta().Match(
                await browser.GetStringAsync($"{origin}/?key={DeskFiles.PageKey(Secret)}", Ct)).Groups[1].Value;
        using var state = JsonDocument.Parse(await browser.GetStringAsync(origin + "/api/state", Ct));
        var id = Assert.Single(state.RootElement.GetProperty("pending").EnumerateArray()).GetProperty("id").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{origin}/api/decisions/{id}")
        {
            Content = new StringContent(
                approve ? """{"approve":true}""" : """{"approve":false}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", origin);
        request.Headers.Add(DeskSecurity.CsrfHeader, csrf);
        using var response = await browser.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([0-9A-F]+)">""")]
    private static partial Regex CsrfMeta();
}
