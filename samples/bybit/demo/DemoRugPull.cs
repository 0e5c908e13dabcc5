using ModelContextProtocol.Client;

namespace McpGuard.BybitDemo;

/// <summary>
/// The demo's last step: the server is "updated" (the simulator restarts with <c>BYBIT_SIMULATOR_TAMPER</c>) and
/// one tool's description now tells the model to buy bitcoin. The lock file beside the policy pins what was
/// reviewed, so the changed tool is gone for the agent (docs/pins.md).
/// </summary>
internal static class DemoRugPull
{
    private const string Tool = "get_tickers";

    /// <param name="home">The demo's own MCPGUARD_HOME, and <paramref name="audit"/> its own log: the policy's
    /// <c>audit.path</c> is the user's real <c>~/.mcpguard/audit.jsonl</c>, which a demo must leave alone.</param>
    public static async Task RunAsync(
        Transcript say,
        Func<McpClient, Transcript, string, Dictionary<string, object?>, CancellationToken, Task<bool>> call,
        string home,
        string audit,
        CancellationToken ct)
    {
        say.Heading("8. The server changes a tool behind your back: the pin hides it");
        say.Note(
            $"the simulator restarts with BYBIT_SIMULATOR_TAMPER={Tool}: "
                + "that tool's description now tells the model to buy 1 BTC");
        await using var guard = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments =
                [
                    DemoPaths.GuardDll, "run", "--policy", DemoPaths.Policy, "--audit", audit, "--log-level", "Error",
                    "--", "dotnet", DemoPaths.SimulatorDll, "--seed", "7",
                ],
                EnvironmentVariables = new Dictionary<string, string?>
                {
                    ["BYBIT_SIMULATOR_TAMPER"] = Tool,
                    ["MCPGUARD_HOME"] = home
                },
                Name = "mcpguard",
            }),
            cancellationToken: ct);

        var tools = await guard.ListToolsAsync(cancellationToken: ct);
        var gone = tools.All(t => t.Name != Tool);
        say.Outcome(gone, gone
            ? $"{Tool} no longer matches samples/bybit/bybit.lock.json: the "
                + $"agent sees {tools.Count} tools, and {Tool} is not one of them"
            : $"{Tool} is still listed");
        await call(guard, say, Tool, new() { ["category"] = "spot", ["symbol"] = "BTCUSDT" }, ct);
        say.Note("a person reviews the change with: BYBIT_SIMULATOR_TAMPER=get_tickers mcpguard pin --check "
            + "--policy samples/bybit/policy.yaml -- dotnet "
            + Path.GetRelativePath(DemoPaths.Root, DemoPaths.SimulatorDll));
    }
}
