using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// <c>tools</c>, <c>check</c>, <c>pin</c> and <c>init</c> stopped by a lone SIGINT (a script's <c>kill -INT</c>, or
/// Ctrl-C where the server is in another process group) while they list a server: the server is stopped too. The
/// runtime's own handling ended the command at once and left the server running; this one ignores SIGINT, SIGTERM,
/// SIGHUP and its stdin closing, and would have lingered for ten minutes. (The command no longer waits the 5 s the
/// server is otherwise given to exit on its own: ServerConnectorTests shows that without a clock.)
/// </summary>
public sealed class InspectionSignalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcpguard-inspect-signal-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("tools")]
    [InlineData("check")]
    [InlineData("pin")]
    [InlineData("init")]
    public async Task Sigint_WhileListing_StopsTheServerAndExits130(string command)
    {
        var pidPipe = Path.Combine(_folder, "pid");
        using (var mkfifo = Process.Start("mkfifo", [pidPipe]))
        {
            await mkfifo.WaitForExitAsync(Ct);
        }

        var policy = Path.Combine(_folder, "policy.yaml");
        await File.WriteAllTextAsync(policy, "version: 1\ndefault: deny\n", Ct);
        string[] options = command == "init" ? [] : ["--policy", policy];
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[.. guard.Prefix, command, .. options, "--", "sh", "-c",
                     $"trap '' INT TERM HUP; echo $$ > '{pidPipe}'; exec sleep 600"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);

        // The server writes its pid into the pipe once it runs (opening the pipe waits for it).
        var server = int.Parse(
            (await Task.Run(() => File.ReadAllText(pidPipe), Ct).WaitAsync(TestConstants.DefaultTimeout, Ct)).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        var guardPid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-INT", guardPid]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await process.WaitForExitAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);
        var lingered = IsRunning(server);
        if (lingered)
        {
            Process.GetProcessById(server).Kill(); // not left behind by a failing test either
        }

        Assert.True(process.ExitCode == 130, await error);
        Assert.Empty(await output);
        Assert.False(lingered, $"the server (pid {server}) outlived mcpguard {command}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}") &&
        !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].StartsWith('Z');
}
