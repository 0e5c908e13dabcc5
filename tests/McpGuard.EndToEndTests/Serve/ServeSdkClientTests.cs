using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>mcpguard serve</c> in front of the TypeScript SDK v2 server (both eras; it reports each call it runs on
/// stderr, which serve passes on, so the tests see what ran), driven by the C# SDK's <see cref="HttpClientTransport"/>
/// in both eras: a 2025 session (initialize, Mcp-Session-Id) and 2026-07-28 stateless requests.
/// </summary>
public sealed class ServeSdkClientTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [add_tool]
        tools:
          place_order: deny
          echo:
            rate_limit: { max: 3, window: 1h }
            action: allow
          wait_ms: require_approval
        approval:
          timeout: 60s
          channels: [elicitation]
        state: { store: memory }
        """;

    private static IEnumerable<string> Server => ["node", RepoPaths.V2Server];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Eras => new() { "2025-06-18", "auto" };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task List_HidesWhatThePolicyHides(string version)
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        await using var client = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = Version(version) });

        var names = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToList();

        Assert.Equal(Version(version) ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.DoesNotContain("add_tool", names);
        Assert.Contains("echo", names);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Calls_AllowedAnswered_DeniedRefused(string version)
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        await using var client = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = Version(version) });

        var echo = await client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: Ct);
        var order = await client.CallToolAsync(
            "place_order", new Dictionary<string, object?> { ["symbol"] = "BTC", ["qty"] = "1" },
            cancellationToken: Ct);

        Assert.Equal("echo: hi", Text(echo));
        Assert.True(order.IsError);
        Assert.StartsWith("Denied by policy: ", Text(order));
        Assert.DoesNotContain(guard.Stderr, line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimit_CountsEachCallOnce_AcrossSessionsAndEras()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        await using var legacy = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = "2025-06-18" });
        await using var modern = await guard.ConnectAsync();
        var echo = new Dictionary<string, object?> { ["text"] = "hi" };

        var results = new List<CallToolResult>
        {
            await legacy.CallToolAsync("echo", echo, cancellationToken: Ct),
            await modern.CallToolAsync("echo", echo, cancellationToken: Ct),
            await legacy.CallToolAsync("echo", echo, cancellationToken: Ct),
            await modern.CallToolAsync("echo", echo, cancellationToken: Ct),
        };

        Assert.Equal([false, false, false, true], results.Select(r => r.IsError == true));
        Assert.Contains("rate limit", Text(results[3]), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, guard.Stderr.Count(line => line.StartsWith("RAN echo", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Approval_AskedOfTheCallingClient_YesForwards(string version)
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        var asked = new List<string>();
        await using var client = await guard.ConnectAsync(new McpClientOptions
        {
            ProtocolVersion = Version(version),
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability() },
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked.Add(request?.Message ?? "");
                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, JsonElement>
                        {
                            ["approve"] = JsonSerializer.SerializeToElement(true)
                        },
                    });
                },
            },
        });

        var result = await client.CallToolAsync(
            "wait_ms", new Dictionary<string, object?> { ["ms"] = 1 }, cancellationToken: Ct);

        Assert.Equal("waited 1", Text(result));
        Assert.Contains("wants to call wait_ms", Assert.Single(asked));
    }

    [Fact]
    public async Task Sigterm_EndsTheChildren_Exit143()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, Server);
        await using (var client = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = "2025-06-18" }))
        {
            await client.ListToolsAsync(cancellationToken: Ct);
        }

        Assert.Equal(143, await guard.TerminateAsync());
    }

    /// <summary>
    /// "auto" lets the SDK pick (2026-07-28 first); a date pins a 2025 revision (initialize, a session).
    /// </summary>
    private static string? Version(string era) => era == "auto" ? null : era;

    private static string Text(CallToolResult result) =>
        Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
