namespace McpGuard.Tests.TestUtils;

internal static class TestConstants
{
    /// <summary>The one bound on how long any test waits for something that should happen.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The bound on one step that moves tens of megabytes through the guard and a child process, where no progress
    /// shows until the step ends (a 50 MB line read, checked and written on by both). At load ~48 on the project's
    /// 2-core VM such a step took over 30 s with nothing stuck: RunAsync_FiftyMegabyteRequest's answer, after the
    /// write, failed at <see cref="DefaultTimeout"/>; at load ~30 the whole 50 MB answer test took 31 s, and the VM is
    /// seen past load 65 as helpers compile, so 2 minutes was a bound on its speed too. A hang still ends here.
    /// </summary>
    public static readonly TimeSpan BulkTimeout = TimeSpan.FromMinutes(5);
}
