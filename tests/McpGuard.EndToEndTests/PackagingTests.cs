using System.Runtime.InteropServices;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests;

/// <summary>
/// What the README promises a new user: pack the tool (the pointer package, the native linux-x64 package and the
/// framework-dependent fallback), install it offline, and get the native build as `mcpguard`.
/// </summary>
public sealed class PackagingTests
{
    [Fact]
    public async Task PackAndInstallOffline_NativeToolIsPickedAndGuardsAServer()
    {
        Assert.SkipUnless(
            OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64,
            "The native package built here is linux-x64; other runtime "
                + "identifiers are built on their own release machines.");
        var work = Directory.CreateTempSubdirectory("mcpguard-pack-");
        try
        {
            var feed = await ToolFeed.GetAsync();
            var toolPath = Path.Combine(work.FullName, "tools");
            var config = Path.Combine(work.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                </configuration>
                """, TestContext.Current.CancellationToken);
            // A package cache of its own, so a package of the same version packed earlier is not taken from ~/.nuget.
            var packages = new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages")
            };
            await ToolFeed.RunAsync(
                packages, "dotnet", "tool", "install", "--tool-path", toolPath, "--configfile", config, "McpGuard");
            var installed = new FileInfo(Path.Combine(toolPath, "mcpguard")).ResolveLinkTarget(returnFinalTarget: true);
            Assert.NotNull(installed);
            Assert.Contains("/mcpguard.linux-x64/", installed.FullName, StringComparison.Ordinal);
            Assert.Empty(
                Directory.GetFiles(Path.Combine(toolPath, ".store"), "mcpguard.dll", SearchOption.AllDirectories));
            Assert.Single(Directory.GetFiles(feed, "McpGuard.any.*.nupkg"));

            var policy = TempFiles.Write("policy.yaml", "version: 1\ndefault: allow\nhide: [get-env]\n");
            var transport = new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = Path.Combine(toolPath, "mcpguard"),
                Arguments = ["run", "--policy", policy, "--", .. GuardedServer.Everything()],
            });
            await using var client = await McpClient.CreateAsync(
                transport, ClientOptions.Patient(null), cancellationToken: TestContext.Current.CancellationToken);
            var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);

            Assert.Contains(tools, t => t.Name == "echo");
            Assert.DoesNotContain(tools, t => t.Name == "get-env");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
