namespace McpGuard.Doctor;

/// <summary>
/// A guard process found by <see cref="GuardProcesses"/>: its pid, <c>--name</c> and <c>--policy</c> as given.
/// </summary>
internal sealed record RunningGuard(int Pid, string? Name, string? Policy);
