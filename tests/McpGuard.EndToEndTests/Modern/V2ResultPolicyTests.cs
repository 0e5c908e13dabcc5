using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Modern;

/// <summary>
/// The result policy (docs/results.md) between the TypeScript SDK v2 client and server, in both eras: the secret
/// in a tool's answer never reaches the client, the answer keeps its shape, a clean answer is as the server wrote it.
/// </summary>
public sealed class V2ResultPolicyTests
{
    private const string Policy = """
        version: 1
        default: allow
        results: { redact: [secrets, emails] }
        """;

    [Theory]
    [InlineData("auto", "2026-07-28")]
    [InlineData("legacy", "2025-11-25")]
    public async Task SecretInAnswer_BothEras_RedactedAndTheToolRan(string era, string revision)
    {
        await using var run = V2ClientRun.Start(era, "redact", Policy);

        Assert.Equal(revision, (await run.StepAsync("connected")).GetProperty("era").GetString());
        var secret = await run.StepAsync("secret");
        Assert.Equal("echo: key [redacted: secrets], mail [redacted: emails]", V2ClientRun.ResultText(secret));
        Assert.False(secret.GetProperty("result").TryGetProperty("isError", out var isError) && isError.GetBoolean());
        Assert.Equal("echo: nothing to hide", V2ClientRun.ResultText(await run.StepAsync("clean")));
        await run.StepAsync("closed");
        Assert.Equal(0, await run.WaitForExitAsync());
        Assert.Contains("RAN echo", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(
            "Result policy on the answer of echo: redacted (secrets: 1, emails: 1)", run.Stderr,
            StringComparison.Ordinal);
    }
}
