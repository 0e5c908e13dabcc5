using McpGuard.Cli;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Cli;

/// <summary>
/// A folder holding a client config (Claude Desktop's golden file) and a policy, with <c>wrap</c> and
/// <c>unwrap</c> run on them as a user runs them: the guard at <see cref="Guard"/>, the clock stopped (backups are
/// named by it).
/// </summary>
internal sealed class WrapFolder : IDisposable
{
    public const string Guard = "/opt/mcpguard/bin/mcpguard";

    private readonly TempDirectory _temp = new();

    public WrapFolder()
    {
        Config = _temp.File("claude_desktop_config.json");
        Policy = _temp.File("policy.yaml");
        System.IO.File.WriteAllText(Config, ServerEntriesTests.Golden("claude-desktop.json"));
        System.IO.File.WriteAllText(Policy, "version: 1\ndefault: deny\n");
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero));

    public string Path => _temp.Path;

    public string Config { get; }

    public string Policy { get; }

    public string File(string name) => _temp.File(name);

    public Task<(int ExitCode, string Output, string Error)> WrapAsync(params string[] extra) =>
        WrapConfigAsync(Config, extra);

    public Task<(int ExitCode, string Output, string Error)> WrapConfigAsync(string config, params string[] extra) =>
        CommandRunner.RunAsync(
            WrapCommand.Create(Clock), ["--policy", Policy, "--config", config, "--command", Guard, .. extra]);

    public Task<(int ExitCode, string Output, string Error)> UnwrapAsync() => UnwrapConfigAsync(Config);

    public Task<(int ExitCode, string Output, string Error)> UnwrapConfigAsync(string config) =>
        CommandRunner.RunAsync(UnwrapCommand.Create(Clock), "--config", config, "--command", Guard);

    public void Dispose() => _temp.Dispose();
}
