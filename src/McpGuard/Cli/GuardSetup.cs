using McpGuard.Http.Upstream;
using McpGuard.Policy;

namespace McpGuard.Cli;

/// <summary>
/// What <see cref="GuardCliOptions.ReadAsync"/> read: what a guard starts with, or that it does not start.
/// </summary>
internal abstract record GuardSetup
{
    private GuardSetup()
    {
    }

    /// <summary>
    /// The server (<paramref name="Upstream"/> set for <c>--url</c>, else the child's
    /// <paramref name="CommandLine"/>) and the policy loaded from <paramref name="PolicyPath"/>.
    /// </summary>
    public sealed record Ready(
        IReadOnlyList<string> CommandLine, UpstreamOptions? Upstream, string PolicyPath, CompiledPolicy Policy)
        : GuardSetup;

    /// <summary>A usage or policy error, already written to stderr: exit 2 with nothing started.</summary>
    public sealed record Invalid : GuardSetup;
}
