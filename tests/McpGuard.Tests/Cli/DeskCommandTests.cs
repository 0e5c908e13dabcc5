using McpGuard.Cli;
using McpGuard.Desk;

namespace McpGuard.Tests.Cli;

public sealed class DeskCommandTests
{
    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public async Task Desk_PortOutOfRange_IsAUsageError(string port)
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(DeskCommand.Create(), "--port", port);

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Contains("--port must be between 0 and 65535", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Desk_Help_DocumentsTheDefaultPortAndLoopback()
    {
        var (exitCode, output, _) = await CommandRunner.RunAsync(DeskCommand.Create(), "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("127.0.0.1", output, StringComparison.Ordinal);
        Assert.Contains($"default {DeskFiles.DefaultPort}", output, StringComparison.Ordinal);
    }
}
