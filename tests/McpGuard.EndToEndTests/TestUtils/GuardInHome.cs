using System.Diagnostics;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The built tool run once to its exit in a fresh HOME, from that folder: the commands that read or edit the
/// client configs there (Claude Desktop, Cursor, VS Code) and its <c>.mcpguard</c> home, without colour.
/// </summary>
internal static class GuardInHome
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(
        string home, params string[] arguments)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home
        };
        foreach (var argument in guard.Prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = home;
        start.Environment["XDG_CONFIG_HOME"] = null;
        start.Environment["MCPGUARD_HOME"] = Path.Combine(home, ".mcpguard");
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TestConstants.DefaultTimeout, cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
