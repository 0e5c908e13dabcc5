using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.BybitDemo;

/// <summary>
/// The story a new user sees in one command: the simulator lists 36 tools, the agent sees fewer; reads and
/// a small order go through; a big order asks a human; a bulk cancel does not exist; a rate limit bites; a
/// malformed quantity fails closed; a tool changed after it was pinned disappears.
/// </summary>
internal static class DemoSession
{
    public static async Task<int> RunAsync(TextWriter output, bool plain)
    {
        // The policy's counters are durable (state: sqlite); the demo keeps its own, so every run starts from a
        // fresh day's budget and never spends the user's real one. Removed afterwards, once the guard has exited.
        var home = Directory.CreateTempSubdirectory("mcpguard-demo-home-").FullName;
        try
        {
            return await RunInHomeAsync(output, plain, home);
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open: the temp folder's own cleanup takes it.
            }
        }
    }

    private static async Task<int> RunInHomeAsync(TextWriter output, bool plain, string home)
    {
        var say = new Transcript(output, plain);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var audit = Path.Combine(Path.GetTempPath(), $"mcpguard-demo-{Environment.ProcessId}.jsonl");

        say.Heading("McpGuard demo: an agent trading on the Bybit simulator, behind samples/bybit/policy.yaml");
        say.Note($"mcpguard run --policy samples/bybit/policy.yaml -- dotnet McpGuard.BybitSimulator.dll --seed 7");

        var serverTools = await ListServerToolsDirectlyAsync(ct);
        await using var guard = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = [
                    DemoPaths.GuardDll, "run", "--policy", DemoPaths.Policy, "--audit", audit, "--log-level", "Error",
                    "--", "dotnet", DemoPaths.SimulatorDll, "--seed", "7"],
                Name = "mcpguard",
                EnvironmentVariables = new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home },
            }),
            new McpClientOptions
            {
                Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability() },
                Handlers = new McpClientHandlers { ElicitationHandler = (request, _) => ApproveAsHuman(say, request) },
            },
            cancellationToken: ct);

        say.Heading("1. The agent lists the tools");
        var agentTools = await guard.ListToolsAsync(cancellationToken: ct);
        var hidden = serverTools.Except(agentTools.Select(t => t.Name)).Order().ToList();
        say.Outcome(true, $"the server has {serverTools.Count} tools; the agent sees {agentTools.Count}");
        say.Note($"hidden from the agent: {string.Join(", ", hidden)}");

        say.Heading("2. Reads are allowed");
        await CallAsync(guard, say, "get_tickers", new() { ["category"] = "spot", ["symbol"] = "BTCUSDT" }, ct);
        await CallAsync(guard, say, "get_wallet_balance", new() { ["accountType"] = "UNIFIED" }, ct);
        say.Note(
            "get_account_info echoes the account's API key; the "
                + "agent gets it redacted (results: redact: [secrets])");
        await CallAsync(guard, say, "get_account_info", new(), ct);

        say.Heading("3. A small spot order is inside the envelope");
        await CallAsync(guard, say, "place_order", Order("0.005"), ct);

        say.Heading("4. A large order needs a human");
        await CallAsync(guard, say, "place_order", Order("0.2"), ct);

        say.Heading("5. A bulk cancel does not exist for the agent");
        await CallAsync(
            guard, say, "batch_cancel_order", new() { ["category"] = "spot", ["request"] = Array.Empty<object>() }, ct);

        say.Heading("6. Ten orders a minute, then the rate limit");
        say.Note("place_order may be forwarded 10 times a minute, and the two orders of steps 3 and 4 already count");
        var forwarded = 0;
        for (var i = 0; i < 12; i++)
        {
            if (!await CallAsync(guard, say, "place_order", Order("0.001"), ct, quiet: true))
            {
                break;
            }

            forwarded++;
        }

        say.Note($"{forwarded} more went through: with the 2 earlier orders, that is the 10 the minute allows");

        say.Heading("7. A malformed quantity fails closed");
        await CallAsync(guard, say, "place_order", Order("1e-3") , ct);
        await CallAsync(
            guard, say, "set_leverage",
            new() { ["category"] = "linear", ["symbol"] = "BTCUSDT", ["buyLeverage"] = "25", ["sellLeverage"] = "25" },
            ct);

        await DemoRugPull.RunAsync(
            say, (client, transcript, tool, arguments, token) => CallAsync(client, transcript, tool, arguments, token),
            home, audit, ct);

        say.Heading("Every decision is in the audit log");
        say.Note(
            $"{audit}: {(File.Exists(audit) ? File.ReadLines(audit).Count() : 0)} "
                + $"records; summary: mcpguard audit {audit}");
        return 0;
    }

    private static Dictionary<string, object?> Order(string qty) => new()
    {
        ["category"] = "spot",
        ["symbol"] = "BTCUSDT",
        ["side"] = "Buy",
        ["orderType"] = "Market",
        ["qty"] = qty,
    };

    /// <returns>Whether the call was forwarded and succeeded.</returns>
    private static async Task<bool> CallAsync(
        McpClient guard, Transcript say, string tool, Dictionary<string, object?> arguments, CancellationToken ct,
        bool quiet = false)
    {
        say.Agent($"{tool} {JsonSerializer.Serialize(arguments)}");
        try
        {
            var result = await guard.CallToolAsync(tool, arguments, cancellationToken: ct);
            var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
            var ok = result.IsError != true;
            say.Outcome(ok, quiet && ok ? "forwarded, the server answered" : Shorten(text));
            return ok;
        }
        catch (McpProtocolException ex)
        {
            say.Outcome(false, $"JSON-RPC error {(int)ex.ErrorCode}: {ex.Message}");
            return false;
        }
    }

    /// <summary>The demo's "human": answers the guard's approval question with yes, and says so.</summary>
    private static ValueTask<ElicitResult> ApproveAsHuman(Transcript say, ElicitRequestParams? request)
    {
        say.Human($"asked: {Shorten(request?.Message ?? "")}");
        say.Human("approves");
        var content = new Dictionary<string, JsonElement>();
        foreach (var (name, schema) in request?.RequestedSchema?.Properties
            ?? new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>())
        {
            if (schema is ElicitRequestParams.BooleanSchema)
            {
                content[name] = JsonSerializer.SerializeToElement(true);
            }
        }

        return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = content });
    }

    private static async Task<IReadOnlyList<string>> ListServerToolsDirectlyAsync(CancellationToken ct)
    {
        await using var direct = await McpClient.CreateAsync(
            new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Command = "dotnet",
                    Arguments = [DemoPaths.SimulatorDll, "--seed", "7"],
                    Name = "bybit"
                }),
            cancellationToken: ct);
        return [.. (await direct.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name)];
    }

    private static string Shorten(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 220 ? flat : flat[..217] + "...";
    }
}
