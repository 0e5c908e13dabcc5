using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>docs/relay.md#logs: environment variables and argument values never reach the logs above Trace.</summary>
public sealed class SecretsTests
{
    private const string EnvSecret = "env-secret-4f1c9e";
    private const string ArgumentSecret = "arg-secret-77ab02";

    [Fact]
    public async Task Run_AtDebugLevel_LogsNeitherEnvironmentNorArguments()
    {
        const string policy = "version: 1\ndefault: allow\nhide: [get-env]\ntools:\n  get-sum: deny\n";
        await using var guard = RawGuard.Start(
            policy, GuardedServer.Everything(), ["--log-level", "Debug"],
            new Dictionary<string, string> { ["BYBIT_API_SECRET"] = EnvSecret });
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ReadLineContainingAsync("\"id\":0");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        const string secret = "\"" + ArgumentSecret + "\"";
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":""" + secret
                + "}}}");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"""
                + """{"name":"get-sum","arguments":{"a":1,"b":2,"api_key":""" + secret + "}}}");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-env","arguments":{"x":""" + secret
                + "}}}");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":""" + secret + "}");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":5,"method":""" + secret + ""","id":6}""");
        await guard.ReadLineContainingAsync("\"id\":1");
        guard.CloseStdin();
        await guard.WaitForExitAsync();

        Assert.Contains("Denied tool get-sum", guard.Stderr);
        Assert.DoesNotContain(ArgumentSecret, guard.Stderr);
        Assert.DoesNotContain(EnvSecret, guard.Stderr);
    }
}
