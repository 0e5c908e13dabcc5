using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests;

/// <summary>What the README promises a new user: pack the tool, install it offline, and run it as `mcpguard`.</summary>
public sealed class PackagingTests
{
    [Fact]
    public async Task PackAndInstallOffline_InstalledToolGuardsAServer()
    {
        var work = Directory.CreateTempSubdirectory("mcpguard-pack-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var toolPath = Path.Combine(work.FullName, "tools");
            await RunAsync("dotnet", "pack", Path.Combine(RepoPaths.Root, "src/McpGuard"), "-c", "Release", "-o", feed);
            var config = Path.Combine(work.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <configuration><packageSources><clear /><add key="local" value="{feed}" /></packageSources></configuration>
                """, TestContext.Current.CancellationToken);
            await RunAsync("dotnet", "tool", "install", "--tool-path", toolPath, "--configfile", config, "McpGuard");

            var policy = TempFiles.Write("policy.yaml", "version: 1\ndefault: allow\nhide: [get-env]\n");
            var transport = new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = Path.Combine(toolPath, "mcpguard"),
                Arguments = ["run", "--policy", policy, "--", .. GuardedServer.Everything()],
            });
            await using var client = await McpClient.CreateAsync(transport, cancellationToken: TestContext.Current.CancellationToken);
            var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);

            Assert.Contains(tools, t => t.Name == "echo");
            Assert.DoesNotContain(tools, t => t.Name == "get-env");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }
}
