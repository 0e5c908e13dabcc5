namespace McpGuard.Tests.TestUtils;

internal static class TestConstants
{
    /// <summary>The one bound on how long any test waits for something that should happen.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
}
