using System.Diagnostics;
using System.Text.Json;

namespace McpGuard.Benchmarks;

/// <summary>
/// Start-up as a real client sees it: <c>bench/clients/startup.cjs</c> runs the TypeScript SDK v2 client of
/// tests/npm, which spawns each command and connects (initialize and its answer), five rounds alternating. Null
/// when node or tests/npm's packages (<c>npm ci --prefix tests/npm</c>) are missing.
/// </summary>
internal static class RealClientStartup
{
    private const int Rounds = 5;

    public static async Task<Dictionary<string, List<double>>?> MeasureAsync(
        string root, IReadOnlyList<(string Name, string[] Command)> sides)
    {
        var npm = Path.Combine(root, "tests/npm");
        if (!Directory.Exists(Path.Combine(npm, "node_modules/@modelcontextprotocol/client")))
        {
            return null;
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["MCPGUARD_HOME"] = GuardHomes.Home("real client");
        foreach (var argument in (string[])[
            Path.Combine(root, "bench/clients/startup.cjs"), npm,
            Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, command) in sides)
        {
            start.ArgumentList.Add(name + "=" + JsonSerializer.Serialize(command, BenchJson.Default.StringArray));
        }

        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        return node.ExitCode == 0
            ? JsonSerializer.Deserialize(output, BenchJson.Default.DictionaryStringListDouble)
            : null;
    }
}
