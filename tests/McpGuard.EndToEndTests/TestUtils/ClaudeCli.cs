using System.Diagnostics;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Claude Code (npm <c>@anthropic-ai/claude-code</c>, installed in tests/npm) run to its exit with a HOME of its own
/// and nothing of the caller's Claude or Anthropic settings; it needs no login and no network for <c>mcp add</c> and
/// <c>mcp list</c>, nor for <c>-p</c> against a fake Messages API (<c>ANTHROPIC_BASE_URL</c>).
/// </summary>
internal static class ClaudeCli
{
    /// <summary>Runs <c>claude ARGS</c>; a non-zero exit fails the test with its stderr. Returns its stdout.</summary>
    /// <param name="environment">Set on top of the cleaned environment (the fake API's address and key).</param>
    public static async Task<string> RunAsync(
        string home, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(NpmTools.Claude)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsClaudeSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = home;
        start.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestConstants.DefaultTimeout);
        var verb = string.Join(' ', arguments.Take(2));
        Assert.True(process.ExitCode == 0, $"claude {verb} exited {process.ExitCode}: {await error}");
        return await output;
    }

    private static bool IsClaudeSetting(string name) =>
        name.StartsWith("CLAUDE", StringComparison.Ordinal) || name.StartsWith("ANTHROPIC", StringComparison.Ordinal);
}
