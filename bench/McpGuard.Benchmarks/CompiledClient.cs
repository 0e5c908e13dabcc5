using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>
/// The HTTP commands' client runs with tiered compilation off: each method compiled once, optimised, at its first
/// call. With it on, this process went on recompiling its hot methods on a background thread for seconds after the
/// warm-up (perf sched, load 17: 70–190 ms of that thread's CPU per half second while calls were timed), and a
/// guard woken by the server's answer then waited behind it for one of the two cores. The sides it starts (the HTTP
/// server, the .NET forwarder) keep the runtime's default (<see cref="ForSide"/>): they are what is measured.
/// </summary>
internal static class CompiledClient
{
    private const string Tiered = "DOTNET_TieredCompilation";

    /// <summary>Runs this command again in a process of its own with tiered compilation off, unless it is
    /// one.</summary>
    public static async Task<int> RunAsync(string[] args, Func<Task<int>> run)
    {
        if (Environment.GetEnvironmentVariable(Tiered) is not null)
        {
            return await run();
        }

        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            // Under `dotnet X.dll` the host takes the assembly first. Under `dotnet run` this process is the
            // benchmark's own executable, which takes the command alone: given the assembly too, it read that as
            // the command and ran the relay benchmark in place of `http`.
            start.ArgumentList.Add(typeof(CompiledClient).Assembly.Location);
        }

        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Tiered] = "0";
        using var client = Process.Start(start)!;
        await client.WaitForExitAsync();
        return client.ExitCode;
    }

    /// <summary>A side this client starts gets the runtime's default compilation, not the client's.</summary>
    public static void ForSide(ProcessStartInfo start) => start.Environment.Remove(Tiered);
}
