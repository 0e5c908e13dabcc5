using System.CommandLine;
using McpGuard.Cli;

namespace McpGuard.Tests.Cli;

/// <summary>
/// The remote server's options as <c>wrap</c> writes them (docs/wrap.md#remote-servers) and their usage errors.
/// </summary>
public sealed class UpstreamCliOptionsTests
{
    private static readonly Dictionary<string, string> s_environment = new()
    {
        ["MCPGUARD_HEADER_AUTHORIZATION"] = "Bearer tok-1",
        ["MCPGUARD_URL"] = "https://mcp.example.com/mcp?api_key=sk-live-123",
    };

    [Theory]
    [InlineData("http")]
    [InlineData("streamable-http")]
    [InlineData("streamableHttp")]
    public async Task Read_WhatWrapWrites_HeaderFromTheEnvironment(string transport)
    {
        var (upstream, error) = await ReadAsync(
            "--url", "https://mcp.example.com/mcp", "--transport", transport, "--header-env",
            "Authorization=MCPGUARD_HEADER_AUTHORIZATION");

        Assert.NotNull(upstream);
        Assert.Equal("", error);
        var header = Assert.Single(upstream.Headers);
        Assert.Equal(("Authorization", "Bearer tok-1"), (header.Name, header.Value));
    }

    [Fact]
    public async Task Read_UrlEnv_TheUrlFromTheEnvironmentQueryIncluded()
    {
        var (upstream, error) = await ReadAsync("--url-env", "MCPGUARD_URL");

        Assert.Equal("", error);
        Assert.Equal(
            "https://mcp.example.com/mcp?api_key=sk-live-123", Assert.IsType<McpGuard.Http.Upstream.UpstreamOptions>(
                upstream).Endpoint.OriginalString);
    }

    [Fact]
    public async Task Read_UrlEnvNamingAnUnsetVariable_UsageErrorNamingTheVariable()
    {
        var (upstream, error) = await ReadAsync("--url-env", "UNSET_ONE");

        Assert.Null(upstream);
        Assert.Equal(
            "mcpguard: --url-env UNSET_ONE: the guard's environment has no such variable, or it is empty.\n", error);
    }

    [Fact]
    public async Task ReadServer_UrlAndUrlEnvBoth_UsageError()
    {
        var (given, error) = await ReadServerAsync(
            ["--url", "https://mcp.example.com/mcp", "--url-env", "MCPGUARD_URL"], []);

        Assert.False(given.Valid);
        Assert.Equal("mcpguard: give --url or --url-env, not both.\n", error);
    }

    [Fact]
    public async Task ReadServer_UrlEnvBesideACommand_UsageError()
    {
        var (given, error) = await ReadServerAsync(["--url-env", "MCPGUARD_URL"], ["cat"]);

        Assert.False(given.Valid);
        Assert.Contains("either as -- COMMAND [ARGS...] or as --url URL", error);
    }

    [Theory]
    [InlineData("sse", "the old HTTP+SSE transport is not spoken")]
    [InlineData("websocket", "--transport must be http, streamable-http or streamableHttp")]
    public async Task Read_TransportThatIsNotStreamableHttp_UsageError(string transport, string expected)
    {
        var (upstream, error) = await ReadAsync("--url", "https://mcp.example.com/mcp", "--transport", transport);

        Assert.Null(upstream);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Read_HeaderEnvNamingAnUnsetVariable_UsageErrorWithoutAValue()
    {
        var (upstream, error) = await ReadAsync(
            "--url", "https://mcp.example.com/mcp", "--header-env", "X-Key=UNSET_ONE");

        Assert.Null(upstream);
        Assert.Contains("--header-env X-Key: the environment variable UNSET_ONE is not set.", error);
    }

    [Theory]
    [InlineData("--header", "X-Key: a", "--header", "X-Key: b")]
    [InlineData("--header", "x-key: a", "--header-env", "X-KEY=MCPGUARD_HEADER_AUTHORIZATION")]
    public async Task Read_OneHeaderGivenTwice_UsageError(params string[] headers)
    {
        var (upstream, error) = await ReadAsync(["--url", "https://mcp.example.com/mcp", .. headers]);

        Assert.Null(upstream);
        Assert.Matches("^mcpguard: the header (?i:x-key) is given twice; give it once\\.\n$", error);
    }

    [Theory]
    [InlineData("--header", "X: y")]
    [InlineData("--header-env", "X=V")]
    [InlineData("--transport", "http")]
    public async Task ReadServer_RemoteOptionsBesideACommand_UsageError(string option, string value)
    {
        var options = new UpstreamCliOptions();
        var command = new RootCommand();
        foreach (var each in options.All)
        {
            command.Options.Add(each);
        }

        using var error = new StringWriter();
        var given = await options.ReadServerAsync(command.Parse([option, value]), ["cat"], error);

        Assert.False(given.Valid);
        Assert.Contains("are for a remote server (--url)", error.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:/mcp")]
    [InlineData("http://[::1]:/mcp")]
    [InlineData("https://mcp.example.com:")]
    [InlineData("https://mcp.example.com:?x=1")]
    public async Task Read_ColonWithoutAPort_UsageErrorNotTheDefaultPort(string url)
    {
        // Uri takes "host:" as the scheme's default port: the guard would call whatever listens on 80 or 443.
        var (upstream, error) = await ReadAsync("--url", url);

        Assert.Null(upstream);
        Assert.Equal(UpstreamCliOptions.EmptyPortError + "\n", error);
    }

    [Theory]
    [InlineData("http://127.0.0.1/mcp", 80)]
    [InlineData("http://127.0.0.1:8080/mcp", 8080)]
    [InlineData("http://[::1]:9/a:b", 9)]
    [InlineData("https://mcp.example.com/x?at=a:", 443)]
    public async Task Read_PortGivenOrLeftOut_Accepted(string url, int port)
    {
        var (upstream, error) = await ReadAsync("--url", url);

        Assert.Equal("", error);
        Assert.Equal(port, Assert.IsType<McpGuard.Http.Upstream.UpstreamOptions>(upstream).Endpoint.Port);
    }

    [Fact]
    public async Task Read_CaFileWithoutAPemCertificate_OneLineUsageError()
    {
        var ca = Path.Combine(Directory.CreateTempSubdirectory("mcpguard-ca-").FullName, "ca.pem");
        await File.WriteAllTextAsync(ca, "not a certificate\n", TestContext.Current.CancellationToken);

        var (upstream, error) = await ReadAsync("--url", "https://mcp.example.com/mcp", "--ca", ca);

        Assert.Null(upstream);
        Assert.Equal($"mcpguard: --ca: {ca} holds no PEM certificate.\n", error);
    }

    private static async Task<(ServerGiven Given, string Error)> ReadServerAsync(string[] args, string[] commandLine)
    {
        var options = new UpstreamCliOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        using var error = new StringWriter();
        var given = await options.ReadServerAsync(command.Parse(args), commandLine, error);
        return (given, error.ToString());
    }

    private static async Task<(McpGuard.Http.Upstream.UpstreamOptions? Upstream, string Error)> ReadAsync(
        params string[] args)
    {
        var options = new UpstreamCliOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        using var error = new StringWriter();
        var upstream = await options.ReadAsync(command.Parse(args), error, s_environment.GetValueOrDefault);
        return (upstream, error.ToString());
    }
}
