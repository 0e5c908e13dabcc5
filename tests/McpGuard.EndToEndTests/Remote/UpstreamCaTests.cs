using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>--ca</c>: an HTTPS upstream (the TypeScript SDK v2 server) whose certificate a CA made in the test signed.
/// Without <c>--ca</c> the guard refuses it (TLS verification is never switched off) and says so in the request's
/// error; with <c>--ca ca.pem</c> the same upstream is trusted and calls go through.
/// </summary>
public sealed class UpstreamCaTests
{
    private const string Policy = """
        version: 1
        default: allow
        state: { store: memory }
        """;

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    [Fact]
    public async Task WithoutCa_Refused_WithTheTlsFailureNamed()
    {
        var certificates = TestCertificates.Create();
        await using var upstream = await StartHttpsAsync(certificates);
        var url = $"https://127.0.0.1:{upstream.Ports[0]}/mcp";
        await using var guard = RawGuard.Start(Policy, [], ["--url", url], Home());

        await guard.SendAsync(Initialize);
        var answer = await guard.ResponseAsync("1");

        var message = answer.GetProperty("error").GetProperty("message").GetString();
        TestContext.Current.TestOutputHelper?.WriteLine(message ?? "");
        Assert.Contains(url, message, StringComparison.Ordinal);
        Assert.Contains("TLS failed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP ", upstream.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithCa_Trusted_CallsGoThrough()
    {
        var certificates = TestCertificates.Create();
        await using var upstream = await StartHttpsAsync(certificates);
        var url = $"https://127.0.0.1:{upstream.Ports[0]}/mcp";
        await using var guard = RawGuard.Start(
            Policy, [], ["--url", url, "--ca", certificates.CaPath], Home());

        await guard.SendAsync(Initialize);
        var initialized = await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync("""
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"over tls"}}}
            """);
        var echo = await guard.ResponseAsync("2");

        Assert.True(initialized.TryGetProperty("result", out _), initialized.ToString());
        var text = echo.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.Equal("echo: over tls", text);
        Assert.Contains("HTTP ", upstream.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Home() => new() { ["MCPGUARD_HOME"] = DeskProcess.NewHome() };

    private static Task<NodeHttpServer> StartHttpsAsync(TestCertificates certificates) => NodeHttpServer.StartAsync(
        RepoPaths.NpmScriptPath("v2/http-server.mjs"), "--tls", certificates.CertificatePath, certificates.KeyPath);
}
