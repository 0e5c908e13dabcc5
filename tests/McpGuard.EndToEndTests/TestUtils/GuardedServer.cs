using System.Collections.Concurrent;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// The real thing: <c>dotnet mcpguard.dll run --policy FILE -- SERVER...</c> (or the binary <see
/// cref="RepoPaths.Guard"/> names) started as a process, driven by the SDK's <see cref="McpClient"/> over stdio, with
/// the guard's stderr captured for assertions.
/// </summary>
internal sealed class GuardedServer : IAsyncDisposable
{
    private readonly string _policyPath;
    private readonly StderrLines _stderr;

    private GuardedServer(string policyPath, McpClient client, StderrLines stderr)
    {
        _policyPath = policyPath;
        Client = client;
        _stderr = stderr;
    }

    public McpClient Client { get; }

    public ConcurrentQueue<string> Stderr => _stderr.Lines;

    /// <summary>Completes when the guard has written a stderr line containing <paramref name="text"/>.</summary>
    public Task WaitForStderrAsync(string text) => _stderr.WaitForAsync(text);

    public string PolicyPath => _policyPath;

    public static async Task<GuardedServer> StartAsync(
        string policyYaml,
        IEnumerable<string> serverCommand,
        McpClientOptions? clientOptions = null,
        IEnumerable<string>? guardOptions = null,
        IDictionary<string, string?>? environment = null,
        Func<IClientTransport, IClientTransport>? wrapTransport = null)
    {
        var policyPath = TempFiles.Write("policy.yaml", policyYaml);
        var stderr = new StderrLines();
        var guard = RepoPaths.Guard;
        string[] arguments = [
            .. guard.Prefix, "run", "--policy", policyPath, .. guardOptions ?? [], "--", .. serverCommand];
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = guard.Command,
            Arguments = arguments,
            EnvironmentVariables = WithOwnHome(environment),
            StandardErrorLines = stderr.Add,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        });
        try
        {
            var client = await McpClient.CreateAsync(
                wrapTransport is null ? transport : wrapTransport(transport),
                ClientOptions.Patient(clientOptions),
                cancellationToken: TestContext.Current.CancellationToken);
            return new GuardedServer(policyPath, client, stderr);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The SDK says only that the process exited: what the guard said on stderr is why.
            throw new InvalidOperationException(
                $"The guard did not start a session ({e.Message}). Its stderr:\n{string.Join('\n', stderr.Lines)}", e);
        }
    }

    /// <summary>
    /// The environment with a fresh <c>MCPGUARD_HOME</c> unless the test names one: a guard's default counters
    /// (<c>state.db</c>), audit log and desk are the user's otherwise, one SQLite file shared with every other test's
    /// guard and anything else on the machine, whose write lock a loaded machine can hold past the store's timeout.
    /// </summary>
    internal static Dictionary<string, string?> WithOwnHome(IEnumerable<KeyValuePair<string, string?>>? environment)
    {
        var withHome = new Dictionary<string, string?>(environment ?? []);
        withHome.TryAdd("MCPGUARD_HOME", DeskProcess.NewHome());
        return withHome;
    }

    public static IEnumerable<string> Everything() => ["node", RepoPaths.ServerEverything, "stdio"];

    public static IEnumerable<string> BybitSimulator() => ["dotnet", RepoPaths.BybitSimulatorDll, "--seed", "7"];

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        File.Delete(_policyPath);
    }
}
