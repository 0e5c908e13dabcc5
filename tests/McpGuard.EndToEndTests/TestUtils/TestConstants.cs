namespace McpGuard.EndToEndTests.TestUtils;

internal static class TestConstants
{
    /// <summary>One generous bound for every wait: tests synchronise on events, this only stops a hang.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
}
