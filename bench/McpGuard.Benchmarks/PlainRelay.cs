using System.Diagnostics;

namespace McpGuard.Benchmarks;

/// <summary>The physical limit to compare with: a relay that copies bytes both ways and understands nothing.</summary>
internal static class PlainRelay
{
    public static async Task<int> RunAsync(string[] commandLine)
    {
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var child = Process.Start(startInfo)!;
        var stdin = Console.OpenStandardInput();
        var stdout = Console.OpenStandardOutput();
        var up = CopyAsync(stdin, child.StandardInput.BaseStream, closeTarget: true);
        var down = CopyAsync(child.StandardOutput.BaseStream, stdout, closeTarget: false);
        await Task.WhenAny(up, down);
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static async Task CopyAsync(Stream from, Stream to, bool closeTarget)
    {
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read));
            await to.FlushAsync();
        }

        if (closeTarget)
        {
            to.Close();
        }
    }
}
