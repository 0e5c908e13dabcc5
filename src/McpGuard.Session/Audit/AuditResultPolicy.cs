namespace McpGuard.Audit;

/// <summary>
/// The result policy's part of an outcome record: what it did (redacted, blocked, too_large) and how many matches
/// per detector, never the matched text. <see cref="Monitor"/>: under --monitor, reported and not applied.
/// </summary>
internal sealed record AuditResultPolicy(string Outcome, IReadOnlyDictionary<string, int> Matches, bool Monitor);
