using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>The stdio relay's options: the session's, and how long the child gets at each step of shutdown.</summary>
internal sealed record RelayOptions
{
    public SessionOptions Session { get; init; } = new();

    public ShutdownTimeouts Shutdown { get; init; } = ShutdownTimeouts.Default;
}
