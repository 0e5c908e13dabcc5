namespace McpGuard.Tests.TestUtils;

/// <summary>
/// The start of a test's own peer process: ready on its line, tried once more when the first attempt exits or
/// stalls, a failure that quotes what the process printed and what it was doing.
/// </summary>
public sealed class FixtureProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mcpguard-fixture-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ReadyLineOnEitherStream_IsTheReadyLine()
    {
        await using var onStderr = await FixtureProcess.StartAsync(
            "talker", () => Shell("echo hello; echo noise >&2; echo 'READY 42' >&2; exec sleep 600"),
            line => line.StartsWith("READY ", StringComparison.Ordinal), TestConstants.DefaultTimeout, Ct);
        await using var onStdout = await FixtureProcess.StartAsync(
            "talker", () => Shell("echo noise >&2; echo 'READY 43'; exec sleep 600"),
            line => line.StartsWith("READY ", StringComparison.Ordinal), TestConstants.DefaultTimeout, Ct);

        Assert.Equal("READY 42", onStderr.ReadyLine);
        Assert.Equal("noise\nREADY 42\n", onStderr.Stderr);
        Assert.Equal("READY 43", onStdout.ReadyLine);
        Assert.Equal("READY 43\n", onStdout.Stdout);
        Assert.Empty(TestContext.Current.Warnings ?? []);
    }

    [Fact]
    public async Task FirstAttemptExits_StartedAgain_TheReasonIsAWarning()
    {
        // The first attempt leaves a marker and exits (as a server whose port was taken would); the second serves.
        var marker = Path.Combine(_directory, "tried");
        await using var fixture = await FixtureProcess.StartAsync(
            "flaky",
            () => Shell($"if [ -e {marker} ]; then echo READY; exec sleep 600; fi; "
                + $"touch {marker}; echo 'port taken' >&2; exit 3"),
            line => line == "READY", TestConstants.DefaultTimeout, Ct);

        Assert.Equal("READY", fixture.ReadyLine);
        var warning = Assert.Single(TestContext.Current.Warnings ?? []);
        Assert.Contains("flaky did not start, killed and started again: flaky exited (code 3)", warning);
        Assert.Contains("err|port taken", warning);
    }

    [Fact]
    public async Task StallsTwice_FailsWithBothReasons_WhatItPrinted_AndWhatItWasDoing()
    {
        // Never ready: each attempt runs into its timeout, however long the machine takes to start the shell.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => FixtureProcess.StartAsync(
            "stuck", () => Shell("echo 'loading' >&2; exec sleep 600"), line => line == "READY",
            TimeSpan.FromSeconds(1), Ct));

        Assert.StartsWith("stuck did not start twice.", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, failure.Message.Split("stuck was not ready after 1.0 s: pid ").Length - 1);
        Assert.Contains("State:", failure.Message);
        Assert.Contains("load ", failure.Message);
        Assert.Single(TestContext.Current.Warnings ?? []);
    }

    private static System.Diagnostics.ProcessStartInfo Shell(string script) => new("sh", ["-c", script]);
}
