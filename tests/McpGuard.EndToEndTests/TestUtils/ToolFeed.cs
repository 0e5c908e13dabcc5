using System.Diagnostics;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A folder holding the three tool packages (pointer, native linux-x64, framework-dependent any). <c>.ci/run</c>
/// packs them once (the run's one native compile) and names the folder in <c>MCPGUARD_E2E_FEED</c>; run alone,
/// the first test that asks packs them into a temporary folder, once for the whole test run.
/// </summary>
internal static class ToolFeed
{
    public const string Variable = "MCPGUARD_E2E_FEED";

    private static readonly Lazy<Task<string>> s_packed = new(PackAsync);

    public static Task<string> GetAsync() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } packed
            ? Task.FromResult(packed)
            : s_packed.Value;

    private static async Task<string> PackAsync()
    {
        var feed = Directory.CreateTempSubdirectory("mcpguard-feed-").FullName;
        var project = Path.Combine(RepoPaths.Root, "src/McpGuard");
        await RunAsync(null, "dotnet", "pack", project, "-c", "Release", "-o", feed);
        await RunAsync(null, "dotnet", "pack", project, "-c", "Release", "-r", "linux-x64", "-o", feed);
        await RunAsync(
            null, "dotnet", "pack", project, "-c", "Release", "-r", "any", "-p:PublishAot=false", "-o", feed);
        return feed;
    }

    /// <summary>Runs a command to its end; fails the test with its output when it exits non-zero.</summary>
    public static async Task<string> RunAsync(
        IReadOnlyDictionary<string, string?>? environment, string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        // Not the test's token: the lazily packed feed is shared by tests that may be cancelled one by one.
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            // 30 minutes, as .ci/run gives its packs: run without MCPGUARD_E2E_FEED at a load of 30, the Native AOT
            // pack here passed 15 (and CI's took over 900 s at load 40).
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true); // not left compiling after the test run
            throw;
        }

        Assert.True(
            process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
        return await output;
    }
}
