using System.ComponentModel;
using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>
/// The canned stdio server in C (bench/servers/canned-server.c): <see cref="FastServer"/>'s answers from a process
/// that starts in about a millisecond and never warms up, for gateways that start one child per session (a JIT
/// <c>dotnet</c> child per session would measure 64 runtimes tiering up, not the gateways). Compiled once per run
/// with the machine's C compiler (<c>$CC</c>, else <c>cc</c>) into a temporary folder.
/// </summary>
internal static class CannedServer
{
    private const string Source = "bench/servers/canned-server.c";

    /// <summary>
    /// Compiles the server and returns the executable's path; an <see cref="InvalidOperationException"/> with one
    /// line saying what is missing when there is no C compiler or it fails.
    /// </summary>
    public static string Build(string root)
    {
        var compiler = Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc : "cc";
        var output = Path.Combine(Directory.CreateTempSubdirectory("mcpguard-bench-server-").FullName, "canned-server");
        var start = new ProcessStartInfo(compiler)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-O2", "-o", output, Path.Combine(root, Source) })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException(
                $"no C compiler '{compiler}' to build {Source}: install one (Debian: apt-get install gcc), set CC, "
                + "or pass --jit-server to use the JIT .NET server instead");
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var first = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                throw new InvalidOperationException(
                    $"'{compiler}' could not build {Source} (exit {process.ExitCode})"
                    + (first is null ? "" : ": " + first));
            }
        }

        return output;
    }
}
