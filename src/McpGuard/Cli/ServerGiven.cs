using McpGuard.Http.Upstream;

namespace McpGuard.Cli;

/// <summary>
/// What <see cref="UpstreamCliOptions.ReadServerAsync"/> read: a valid choice of server (<see cref="Upstream"/> set
/// for <c>--url</c>, null for a child after <c>--</c>), or an invalid one whose error is already written.
/// </summary>
internal sealed record ServerGiven(bool Valid, UpstreamOptions? Upstream)
{
    public static ServerGiven Invalid { get; } = new(Valid: false, Upstream: null);
}
