namespace McpGuard.Doctor;

/// <summary>
/// A guard process found by <see cref="GuardProcesses"/>: its pid, its command (<c>run</c> or <c>serve</c>), and
/// <c>--name</c> and <c>--policy</c> as given.
/// </summary>
internal sealed record RunningGuard(int Pid, string Command, string? Name, string? Policy)
{
    // One shared empty set, so two guards without ports stay equal as records.
    private static readonly IReadOnlySet<int> NoPorts = new HashSet<int>();

    /// <summary>The TCP ports a <c>serve</c> listens on (<see cref="ListeningPorts"/>); none for <c>run</c>.</summary>
    public IReadOnlySet<int> Ports { get; init; } = NoPorts;

    /// <summary>What doctor calls it: run's <c>--name</c>; serve has none, so it is named by its command.</summary>
    public string Label => Command == "serve" ? "serve (the HTTP gateway)" : Name ?? "(no --name)";
}
