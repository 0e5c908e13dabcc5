using System.Diagnostics;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The built tool (<see cref="RepoPaths.Guard"/>: the native build in CI) run once to its exit without colour, for
/// the commands that end on their own (check, pin, replay, wrap, doctor...): exit code, stdout and stderr.
/// </summary>
internal static class GuardCommand
{
    public static Task<(int Code, string Output, string Error)> RunAsync(params string[] arguments) =>
        StartAndWaitAsync(arguments, home: null);

    /// <summary>
    /// In a fresh HOME, from that folder: the commands that read or edit the client configs there (Claude Desktop,
    /// Cursor, VS Code) and its <c>.mcpguard</c> home.
    /// </summary>
    public static Task<(int Code, string Output, string Error)> RunInHomeAsync(
        string home, params string[] arguments) =>
        StartAndWaitAsync(arguments, home);

    /// <summary>
    /// In a fresh HOME as <see cref="RunInHomeAsync"/>, from <paramref name="folder"/>, with
    /// <paramref name="environment"/> set on top (a null value removes the variable).
    /// </summary>
    public static Task<(int Code, string Output, string Error)> RunInHomeAsync(
        string home, string folder, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartAndWaitAsync(arguments, home, folder, environment);

    private static async Task<(int Code, string Output, string Error)> StartAndWaitAsync(
        IEnumerable<string> arguments, string? home, string? folder = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in guard.Prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        if (home is not null)
        {
            start.WorkingDirectory = home;
            start.Environment["HOME"] = home;
            start.Environment["XDG_CONFIG_HOME"] = null;
            start.Environment["MCPGUARD_HOME"] = Path.Combine(home, ".mcpguard");
        }

        start.WorkingDirectory = folder ?? start.WorkingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TestConstants.DefaultTimeout, cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
