namespace McpGuard.Stdio;

/// <summary>How long the child gets at each step of shutdown (defaults 5 s and 5 s: docs/relay.md#lifecycle).</summary>
internal sealed record ShutdownTimeouts
{
    public static ShutdownTimeouts Default { get; } = new();

    public TimeSpan AfterStdinClosed { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan AfterSigterm { get; init; } = TimeSpan.FromSeconds(5);
}
