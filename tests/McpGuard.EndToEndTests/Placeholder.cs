namespace McpGuard.EndToEndTests;

internal static class TestConstants
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
}
