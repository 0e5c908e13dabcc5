using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>run --url</c> in front of server-everything in its own Streamable HTTP mode (a 2025-era server with sessions),
/// with the TypeScript SDK v2 client over stdio: a legacy client speaks 2025 from the start; an auto client finds
/// the upstream does not speak 2026-07-28 and falls back, as it would directly.
/// </summary>
public sealed class RemoteEverythingTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [get-env]
        """;

    [Theory]
    [InlineData("legacy")]
    [InlineData("auto")]
    public async Task ListAndCall_HiddenToolGoneAndCallsAnswered(string era)
    {
        await using var server = await NodeHttpServer.StartEverythingAsync();
        await using var run = V2ClientRun.Start(era, "everything", Policy, server: ["--url", server.Url]);

        var tools = (await run.StepAsync("list")).GetProperty("result").EnumerateArray().Select(t => t.GetString())
            .ToList();
        Assert.Contains("echo", tools);
        Assert.DoesNotContain("get-env", tools);
        Assert.Equal("Echo: hi", V2ClientRun.ResultText(await run.StepAsync("echo")));
        Assert.Contains("3", V2ClientRun.ResultText(await run.StepAsync("sum")), StringComparison.Ordinal);
        await run.StepAsync("closed");
        Assert.Equal(0, await run.WaitForExitAsync());
    }
}
