using McpGuard.Session;

namespace McpGuard.Stdio;

/// <summary>The stdio relay's options: the session's, and how long the child gets at each step of shutdown.</summary>
internal sealed record RelayOptions
{
    public SessionOptions Session { get; init; } = new();

    public ShutdownTimeouts Shutdown { get; init; } = ShutdownTimeouts.Default;

    /// <summary>
    /// The child's stdout read with blocking reads on the server pump's own thread (<see cref="InlineReadStream"/>):
    /// the fewest hand-offs for one session (<c>run</c>). <c>serve</c> runs a child per session and turns it off: its
    /// children's answers are read asynchronously, so a few pool threads serve them all instead of a blocked thread
    /// per child that the kernel must schedule for each answer.
    /// </summary>
    public bool ChildOutputReadsInline { get; init; } = true;

    /// <summary>
    /// The log line when the client's input ends: <c>run</c> shuts down as its client closed stdin; <c>serve</c> feeds
    /// a session's input from HTTP, which ends with the session (DELETE, idle timeout, a revoked token) while the
    /// gateway runs on, so its line says that session ended, not that anything shuts down.
    /// </summary>
    public string ClientInputEnded { get; init; } = "Shutting down: the client closed stdin.";

    /// <summary>
    /// What a request still unanswered hears when the client's input ended and the child was stopped: <c>run</c> is
    /// shutting down with its client; <c>serve</c> only ended this session (DELETE, idle timeout), the gateway runs on.
    /// </summary>
    public string UnansweredWhenInputEnded { get; init; } = "McpGuard is shutting down";
}
