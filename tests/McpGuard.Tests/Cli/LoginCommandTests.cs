using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

/// <summary><c>mcpguard login</c>'s usage errors (docs/remote.md#login): refused before anything is sent.</summary>
public sealed class LoginCommandTests
{
    [Theory]
    [InlineData("https://user:hunter2@mcp.example.com/mcp")]
    [InlineData("http://user:hunter2@127.0.0.1:1/mcp")]
    public async Task Login_UrlWithUserInfo_UsageErrorThatDoesNotRepeatIt(string url)
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(LoginCommand.Create(), "--url", url, "--no-browser");

        Assert.Equal(2, exitCode);
        Assert.Equal("mcpguard: --url must be an absolute http(s) URL without user info.\n", error);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://mcp.example.com/mcp")]
    [InlineData("ftp://127.0.0.1/mcp")]
    [InlineData("mcp.example.com/mcp")]
    public async Task Login_NotHttpsOrRemotePlainHttp_UsageError(string url)
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(LoginCommand.Create(), "--url", url, "--no-browser");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("mcpguard: --url ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Login_ColonWithoutAPort_UsageErrorNotTheDefaultPort()
    {
        var (exitCode, _, error) = await CommandRunner.RunAsync(
            LoginCommand.Create(), "--url", "http://127.0.0.1:/mcp", "--no-browser");

        Assert.Equal(2, exitCode);
        Assert.Equal(UpstreamCliOptions.EmptyPortError + "\n", error);
    }

    [Fact]
    public async Task Login_CaFileWithoutAPemCertificate_UsageErrorNotAStackTrace()
    {
        var ca = Path.Combine(Directory.CreateTempSubdirectory("mcpguard-ca-").FullName, "ca.pem");
        await File.WriteAllTextAsync(ca, "not a certificate\n", TestContext.Current.CancellationToken);

        var (exitCode, _, error) = await CommandRunner.RunAsync(
            LoginCommand.Create(), "--url", "https://127.0.0.1:1/mcp", "--ca", ca, "--no-browser");

        Assert.Equal(2, exitCode);
        Assert.Equal($"mcpguard: --ca: {ca} holds no PEM certificate.\n", error);
    }
}
