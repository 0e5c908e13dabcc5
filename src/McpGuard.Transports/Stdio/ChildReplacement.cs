namespace McpGuard.Stdio;

/// <summary>
/// A child started in place of one that died of a modern request before any session existed: the new child, the
/// answers the guard gives for the dead one, and the news about this child in turn.
/// </summary>
internal sealed record ChildReplacement(ChildProcess Child, byte[] Answers, Task<ChildReplacement?> Next);
