namespace McpGuard.Tests.TestUtils;

internal static class RelayPolicies
{
    /// <summary>Allows by default, hides <c>secret</c>, denies <c>danger</c>.</summary>
    public const string Standard = """
        version: 1
        default: allow
        hide: [secret]
        tools:
          danger: deny
        """;

    /// <summary>The fake server's tools for <see cref="Standard"/>: one page.</summary>
    public static readonly string[][] StandardTools = [["echo", "sha256", "big", "hang", "danger", "secret"]];
}
