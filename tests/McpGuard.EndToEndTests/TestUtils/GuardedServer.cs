using System.Collections.Concurrent;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The real thing: <c>dotnet mcpguard.dll run --policy FILE -- SERVER...</c> started as a process, driven by
/// the SDK's <see cref="McpClient"/> over stdio, with the guard's stderr captured for assertions.
/// </summary>
internal sealed class GuardedServer : IAsyncDisposable
{
    private readonly string _policyPath;

    private GuardedServer(string policyPath, McpClient client, ConcurrentQueue<string> stderr)
    {
        _policyPath = policyPath;
        Client = client;
        Stderr = stderr;
    }

    public McpClient Client { get; }

    public ConcurrentQueue<string> Stderr { get; }

    public string PolicyPath => _policyPath;

    public static async Task<GuardedServer> StartAsync(
        string policyYaml,
        IEnumerable<string> serverCommand,
        McpClientOptions? clientOptions = null,
        IEnumerable<string>? guardOptions = null,
        IDictionary<string, string?>? environment = null)
    {
        var policyPath = TempFiles.Write("policy.yaml", policyYaml);
        var stderr = new ConcurrentQueue<string>();
        string[] arguments = [RepoPaths.GuardDll, "run", "--policy", policyPath, .. guardOptions ?? [], "--", .. serverCommand];
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = arguments,
            EnvironmentVariables = environment,
            StandardErrorLines = stderr.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        });
        var client = await McpClient.CreateAsync(transport, clientOptions, cancellationToken: TestContext.Current.CancellationToken);
        return new GuardedServer(policyPath, client, stderr);
    }

    public static IEnumerable<string> Everything() => ["node", RepoPaths.ServerEverything, "stdio"];

    public static IEnumerable<string> BybitSimulator() => ["dotnet", RepoPaths.BybitSimulatorDll, "--seed", "7"];

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        File.Delete(_policyPath);
    }
}
