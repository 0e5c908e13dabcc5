using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// The same workload, in one run, against the server directly, through <c>socat</c> (the floor: C, copies bytes),
/// the benchmark's own .NET byte relay, and <c>mcpguard run</c> with a realistic policy (and, with <c>--before</c>,
/// another guard build); rounds alternate between them so drift hits them alike.
/// </summary>
internal static class RelayBenchmark
{
    private const int Warmup = 300;
    private const int Sequential = 2000;
    private const int Window = 256;
    private const string Call =
        """{"name":"place_order","arguments":{"symbol":"BTCUSDT","category":"spot","qty":"0.005"}}""";
    private const string Initialize =
        """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var self = typeof(RelayBenchmark).Assembly.Location;
        var root = FindRoot();
        var guard = GuardBuilds.Guard(root, args);
        var policyIndex = Array.IndexOf(args, "--policy");
        var policy = policyIndex >= 0
            ? Path.GetFullPath(args[policyIndex + 1])
            : Path.Combine(root, "bench/policies/realistic.yaml");
        string[] server = ["dotnet", self, "server"];
        string[] guardRun = ["run", "--policy", policy, "--log-level", "Warning", "--", .. server];
        var sides = new List<(string Name, string[] Command)> { ("direct", server) };
        if (Socat.IsInstalled)
        {
            sides.Add(("socat", Socat.Relay(server)));
        }

        sides.Add((".NET relay", ["dotnet", self, "plain-relay", "--", .. server]));
        sides.Add(("mcpguard", [.. guard, .. guardRun]));

        // --also-policy FILE (repeatable): the same build under another policy, side by side (e.g. redaction on and
        // off).
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--also-policy")
            {
                var also = Path.GetFullPath(args[i + 1]);
                sides.Add((
                    $"mcpguard, {Path.GetFileNameWithoutExtension(also)}",
                    [.. guard, "run", "--policy", also, "--log-level", "Warning", "--", .. server]));
            }
        }

        // --telemetry: the same build and policy with telemetry.otlp set to a receiver this benchmark starts (off is
        // the plain mcpguard side: the policy has no telemetry block and the benchmark sets no OTEL_* variable).
        using var sink = args.Contains("--telemetry") ? new OtlpSink() : null;
        if (sink is not null)
        {
            sides.Add((
                "mcpguard, telemetry on",
                [.. guard, "run", "--policy", sink.PolicyFrom(policy), "--log-level", "Warning", "--", .. server]));
        }

        // --before PATH: another guard build measured beside this one in the same run (a before/after pair).
        var beforeIndex = Array.IndexOf(args, "--before");
        if (beforeIndex >= 0)
        {
            var before = GuardBuilds.Command(Path.GetFullPath(args[beforeIndex + 1]));
            sides.Add(("mcpguard before", [.. before, .. guardRun]));
            if (sink is not null)
            {
                // Telemetry's cost before and after in the same run: the before build with the same receiver.
                sides.Add((
                    "mcpguard before, telemetry on",
                    [
                        .. before, "run", "--policy", sink.PolicyFrom(policy), "--log-level", "Warning", "--",
                        .. server,
                    ]));
            }
        }

        // --rounds N: more alternating rounds (3 by default); each side's pipelined figure is the median of its rounds,
        // so a 10 % difference between two sides (telemetry on and off) can be told from one round's ±15 % noise.
        var roundsIndex = Array.IndexOf(args, "--rounds");
        var rounds = roundsIndex >= 0 ? int.Parse(args[roundsIndex + 1], CultureInfo.InvariantCulture) : 3;
        // --pipelined N: calls per round's pipelined run (40,000 by default, about 0.4 s through the guard); longer
        // runs average a busy machine's swings over more of each side's time.
        var pipelinedIndex = Array.IndexOf(args, "--pipelined");
        var pipelined = pipelinedIndex >= 0
            ? int.Parse(args[pipelinedIndex + 1], CultureInfo.InvariantCulture)
            : 40_000;
        var results = sides.ToDictionary(s => s.Name, _ => new SideResult());
        // --telemetry: each round also runs off and on at the same time, in alternating pairs of blocks
        // (TelemetryPairs): the verdict's ratios, free of the seconds between the two sides' turns in the round above.
        var paired = new Dictionary<string, List<double>>();
        for (var round = 0; round < rounds; round++)
        {
            // Every other round runs the sides in reverse, so no side always follows the same one.
            foreach (var (name, command) in round % 2 == 0 ? sides : Enumerable.Reverse(sides))
            {
                await MeasureAsync(command, results[name], round, pipelined);
            }

            foreach (var build in sink is null ? [] : new[] { "mcpguard", "mcpguard before" })
            {
                if (sides.Any(s => s.Name == build))
                {
                    var off = sides.First(s => s.Name == build).Command;
                    var on = sides.First(s => s.Name == build + ", telemetry on").Command;
                    var ratio = await TelemetryPairs.RoundAsync(off, on, Call, pipelined / 2, round);
                    (paired.TryGetValue(build, out var list) ? list : paired[build] = []).Add(ratio);
                }
            }

            // Start-up alone, a few times per round, alternating the sides so drift hits them alike.
            for (var i = 0; i < 3; i++)
            {
                foreach (var (name, command) in sides)
                {
                    results[name].StartupMs.Add(await StartupAsync(command));
                }
            }
        }

        var guards = sides.Where(s => s.Name.StartsWith("mcpguard", StringComparison.Ordinal)).ToList();
        var realClient = await RealClientStartup.MeasureAsync(root, [sides[0], .. guards]);
        var report = Report(
            sides.Select(s => (s.Name, results[s.Name])).ToList(), GuardBuilds.Describe(guard), realClient, paired);
        if (sink is not null)
        {
            report += $"\nOTLP receiver: {sink.Posts} posts, {sink.Bytes / 1024.0 / 1024.0:0.0} MiB"
                + " received from the telemetry-on side.\n";
        }

        Console.WriteLine(report);
        Directory.CreateDirectory(Path.Combine(root, "bench/results"));
        var outIndex = Array.IndexOf(args, "--out");
        await File.WriteAllTextAsync(
            outIndex >= 0 ? args[outIndex + 1] : Path.Combine(root, "bench/results/latest.md"), report);
        return 0;
    }

    /// <summary>
    /// Pipelines calls through <c>mcpguard run</c> for a while and prints its PID first, so a profiler can attach:
    /// <c>dotnet-trace collect -p PID --profile dotnet-sampled-thread-time</c>.
    /// </summary>
    public static async Task<int> SoakAsync(string[] args)
    {
        var root = FindRoot();
        var policyIndex = Array.IndexOf(args, "--policy");
        var policy = policyIndex >= 0
            ? Path.GetFullPath(args[policyIndex + 1])
            : Path.Combine(root, "bench/policies/realistic.yaml");
        var secondsIndex = Array.IndexOf(args, "--seconds");
        var seconds = secondsIndex >= 0 ? int.Parse(args[secondsIndex + 1], CultureInfo.InvariantCulture) : 30;
        var guard = GuardBuilds.Guard(root, args);

        // --telemetry: the policy plus telemetry.otlp pointing at a receiver started here, as relay's telemetry side.
        using var sink = args.Contains("--telemetry") ? new OtlpSink() : null;
        policy = sink?.PolicyFrom(policy) ?? policy;
        string[] server = ["dotnet", typeof(RelayBenchmark).Assembly.Location, "server"];
        string[] command = args.Contains("--plain")
            ? ["dotnet", typeof(RelayBenchmark).Assembly.Location, "plain-relay", "--", .. server]
            : [.. guard, "run", "--policy", policy, "--log-level", "Warning", "--", .. server];
        await using var driver = JsonRpcDriver.Start(command);
        var described = args.Contains("--plain") ? "plain relay" : GuardBuilds.Describe(guard);
        Console.WriteLine($"{described} pid {driver.Pid}");
        await driver.CallAsync("initialize", Initialize);
        await driver.CallAsync("tools/list", "{}");
        var sequentialIndex = Array.IndexOf(args, "--sequential");
        var sequential = sequentialIndex >= 0 ? int.Parse(args[sequentialIndex + 1], CultureInfo.InvariantCulture) : 0;
        if (sequential > 0)
        {
            var sequentialCpu = driver.CpuTime();
            var sequentialStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < sequential; i++)
            {
                await driver.CallAsync("tools/call", Call);
            }

            var wallUs = Stopwatch.GetElapsedTime(sequentialStart).TotalMicroseconds / sequential;
            var cpuUs = (driver.CpuTime() - sequentialCpu).TotalMicroseconds / sequential;
            Console.WriteLine($"sequential: {wallUs:0.0} µs per call, {cpuUs:0.0} µs of the relay's CPU per call");
        }

        // --big N: N sequential 20 MB results first, with wall and CPU time per result.
        var bigIndex = Array.IndexOf(args, "--big");
        var big = bigIndex >= 0 ? int.Parse(args[bigIndex + 1], CultureInfo.InvariantCulture) : 0;
        if (big > 0)
        {
            var bigCpu = driver.CpuTime();
            var bigStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < big; i++)
            {
                await driver.CallAsync("tools/call", """{"name":"big","arguments":{}}""");
            }

            Console.WriteLine(
                $"20 MB result: {Stopwatch.GetElapsedTime(bigStart).TotalMilliseconds / big:0.0} ms per result, "
                    + $"{(driver.CpuTime() - bigCpu).TotalMilliseconds / big:0.0} ms of the relay's CPU per result");
        }

        // --calls N: a fixed number of pipelined calls instead of a time, so instruction counts (callgrind) compare.
        var callsIndex = Array.IndexOf(args, "--calls");
        var fixedCalls = callsIndex >= 0 ? long.Parse(args[callsIndex + 1], CultureInfo.InvariantCulture) : -1;
        var window = new SemaphoreSlim(Window);
        var calls = 0L;
        var cpuBefore = driver.CpuTime();
        var machineBefore = MachineCpu.Snapshot(driver.Pid);
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        while (fixedCalls >= 0 ? calls < fixedCalls : Stopwatch.GetElapsedTime(started).TotalSeconds < seconds)
        {
            await window.WaitAsync();
            var answer = await driver.SendAsync("tools/call", Call, flush: ++calls % 32 == 0);
            pending.Add(answer.ContinueWith(_ => window.Release(), TaskScheduler.Default));
            if (pending.Count > 100_000)
            {
                await driver.FlushAsync();
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await driver.SendAsync("ping", "{}", flush: true);
        await Task.WhenAll(pending);
        Console.WriteLine(
            $"{calls / Stopwatch.GetElapsedTime(started).TotalSeconds:0} calls/s, "
                + $"{(driver.CpuTime() - cpuBefore).TotalMicroseconds / calls:0.0} µs of the relay's CPU per call");
        Console.WriteLine(MachineCpu.Snapshot(driver.Pid).Describe(machineBefore, calls));
        if (sink is not null)
        {
            Console.WriteLine($"OTLP receiver: {sink.Posts} posts, {sink.Bytes / 1024.0 / 1024.0:0.0} MiB so far");
        }

        return 0;
    }

    private static async Task MeasureAsync(string[] command, SideResult result, int round, int pipelined)
    {
        var started = Stopwatch.GetTimestamp();
        await using var driver = JsonRpcDriver.Start(command);
        await driver.CallAsync("initialize", Initialize);
        result.StartupMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await driver.CallAsync("tools/list", "{}");
        for (var i = 0; i < Warmup; i++)
        {
            await driver.CallAsync("tools/call", Call);
        }

        var sequential = new List<double>(Sequential / 3 + 1);
        for (var i = 0; i < Sequential / 3 + 1; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await driver.CallAsync("tools/call", Call);
            sequential.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
        }

        result.LatencyUs.AddRange(sequential);
        result.RoundP50.Add(Median(sequential));

        var window = new SemaphoreSlim(Window);
        var pending = new List<Task>(pipelined);
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < pipelined; i++)
        {
            await window.WaitAsync();
            var answer = await driver.SendAsync("tools/call", Call, flush: i % 32 == 31 || i == pipelined - 1);
            pending.Add(answer.ContinueWith(_ => window.Release(), TaskScheduler.Default));
        }

        await Task.WhenAll(pending);
        result.Throughput.Add(pipelined / Stopwatch.GetElapsedTime(t0).TotalSeconds);

        for (var i = 0; i < 2; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var length = await driver.CallAsync("tools/call", """{"name":"big","arguments":{}}""");
            result.BigMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (length < 20 * 1024 * 1024)
            {
                throw new InvalidOperationException(
                    $"the 20 MB result arrived truncated ({length} chars) in round {round}");
            }
        }

        result.PeakMiB.Add(driver.PeakMemoryMiB());
    }

    /// <summary>Milliseconds from starting the process to the answer of its first <c>initialize</c>.</summary>
    private static async Task<double> StartupAsync(string[] command)
    {
        var started = Stopwatch.GetTimestamp();
        await using var driver = JsonRpcDriver.Start(command);
        await driver.CallAsync("initialize", Initialize);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static string Report(
        List<(string Name, SideResult Result)> sides,
        string guardBuild,
        Dictionary<string, List<double>>? realClient,
        Dictionary<string, List<double>> paired)
    {
        var direct = sides[0].Result;
        var floor = sides.FirstOrDefault(s => s.Name == "socat").Result
            ?? sides.First(s => s.Name == ".NET relay").Result;
        var dotnetRelay = sides.First(s => s.Name == ".NET relay").Result;
        var text = new StringBuilder();
        text.AppendLine(
            CultureInfo.InvariantCulture,
            $"Relay benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, "
                + $"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        text.AppendLine();
        var floorName = Socat.IsInstalled ? "socat" : "the .NET relay (socat is not installed)";
        text.AppendLine(CultureInfo.InvariantCulture, $"mcpguard: the {guardBuild}. The floor is {floorName}.");
        text.AppendLine();
        text.AppendLine($"| | {string.Join(" | ", sides.Select(s => s.Name))} |");
        text.AppendLine($"|---|{string.Concat(sides.Select(_ => "---:|"))}");
        var all = sides.Select(s => s.Result).ToArray();
        Row(text, "tools/call p50 (µs)", s => s.Percentile(0.50), "0", all);
        Row(text, "tools/call p99 (µs)", s => s.Percentile(0.99), "0", all);
        RoundsRow(text, "… p50 round by round (µs)", s => s.RoundP50, all);
        Row(text, $"pipelined throughput (calls/s, {Window} in flight)", s => Median(s.Throughput), "0", all);
        RoundsRow(text, "… calls/s round by round", s => s.Throughput, all);
        Row(text, "20 MB result (ms, median)", s => Median(s.BigMs), "0", all);
        Row(text, "start-up to initialize answer (ms, median)", s => Median(s.StartupMs), "0", all);
        Row(text, "peak memory of the process (MiB, VmHWM)", s => s.PeakMiB.Max(), "0", all);
        if (realClient is not null)
        {
            var connects = sides.Select(
                s => realClient.TryGetValue(s.Name, out var ms)
                    ? Median(ms).ToString("0", CultureInfo.InvariantCulture)
                    : "");
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"| start-up, TypeScript SDK client connect() (ms, median) | {string.Join(" | ", connects)} |");
        }

        foreach (var (name, guard) in sides.Where(s => s.Name.StartsWith("mcpguard", StringComparison.Ordinal)))
        {
            var startupOverhead = Median(guard.StartupMs) - Median(direct.StartupMs);
            text.AppendLine();
            text.AppendLine(
                CultureInfo.InvariantCulture, $"| target: {name} against the floor in this run | measured | met |");
            text.AppendLine("|---|---:|:---:|");
            Target(
                text, "added p50 ≤ 1.15 × the floor's added p50",
                Added(guard, direct, 0.5) / Added(floor, direct, 0.5), 1.15, lowerIsBetter: true);
            Target(
                text, "added p99 ≤ 2 × the floor's added p99",
                Added(guard, direct, 0.99) / Added(floor, direct, 0.99), 2, lowerIsBetter: true);
            Target(
                text, "throughput ≥ 0.3 × the floor's",
                Median(guard.Throughput) / Median(floor.Throughput), 0.3, lowerIsBetter: false);
            Target(
                text, "throughput ≥ 0.9 × the .NET relay's",
                Median(guard.Throughput) / Median(dotnetRelay.Throughput), 0.9, lowerIsBetter: false);
            Target(
                text, "20 MB result ≤ 1.5 × the floor's time",
                Median(guard.BigMs) / Median(floor.BigMs), 1.5, lowerIsBetter: true);
            Target(text, "start-up overhead ≤ 50 ms (ms)", startupOverhead, 50, lowerIsBetter: true);
            if (realClient is not null && realClient.TryGetValue(name, out var connect))
            {
                Target(
                    text, "start-up overhead, TypeScript SDK client, ≤ 50 ms (ms)",
                    Median(connect) - Median(realClient["direct"]), 50, lowerIsBetter: true);
            }

            Target(text, "peak memory < 3 × 20 MB + 100 MB = 160 MiB", guard.PeakMiB.Max(), 160, lowerIsBetter: true);
        }

        if (sides.FirstOrDefault(s => s.Name == "mcpguard, telemetry on").Result is { } on)
        {
            var off = sides.First(s => s.Name == "mcpguard").Result;
            text.AppendLine();
            text.AppendLine(
                "| target: telemetry on (OTLP to a local receiver) against off, this run | measured | met |");
            text.AppendLine("|---|---:|:---:|");
            Target(
                text, "throughput on ≥ 0.9 × off (median of the rounds' paired ratios)", Median(paired["mcpguard"]),
                0.9, lowerIsBetter: false);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| … paired blocks, on ÷ off, round by round | {Ratios(paired["mcpguard"])} | |");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| … side by side in the rounds above, round by round | {RoundRatios(on, off)} | |");
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"| p50 on − off (µs) | {on.Percentile(0.5) - off.Percentile(0.5):0} | |");
            if (sides.FirstOrDefault(s => s.Name == "mcpguard before, telemetry on").Result is { } beforeOn)
            {
                var beforeOff = sides.First(s => s.Name == "mcpguard before").Result;
                Target(text, "before: throughput on ≥ 0.9 × off (median of paired ratios)",
                    Median(paired["mcpguard before"]), 0.9, lowerIsBetter: false);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| before: paired blocks, on ÷ off, round by round | {Ratios(paired["mcpguard before"])} | |");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| before: side by side, round by round | {RoundRatios(beforeOn, beforeOff)} | |");
            }
        }

        return text.ToString();
    }

    /// <summary>Each round's on ÷ off (the two ran in the same round, close in time), and their median.</summary>
    private static string RoundRatios(SideResult on, SideResult off) =>
        Ratios(on.Throughput.Zip(off.Throughput, (a, b) => a / b).ToList());

    private static string Ratios(List<double> ratios)
    {
        var each = string.Join(" / ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)));
        return $"{each} (median {Median(ratios).ToString("0.00", CultureInfo.InvariantCulture)})";
    }

    private static double Added(SideResult side, SideResult direct, double percentile) =>
        side.Percentile(percentile) - direct.Percentile(percentile);

    /// <summary>
    /// Each side's figure per round, in the order the rounds ran: a drift across the rounds (the long run's added p50,
    /// a JIT side still warming up in a short one) shows here, where the medians above hide it.
    /// </summary>
    private static void RoundsRow(StringBuilder text, string label, Func<SideResult, List<double>> rounds,
        params SideResult[] sides)
    {
        var cells = sides.Select(
            s => string.Join(" / ", rounds(s).Select(v => v.ToString("0", CultureInfo.InvariantCulture))));
        text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {string.Join(" | ", cells)} |");
    }

    private static void Row(
        StringBuilder text, string label, Func<SideResult, double> value, string format, params SideResult[] sides)
    {
        var cells = sides.Select(s => value(s).ToString(format, CultureInfo.InvariantCulture));
        text.AppendLine($"| {label} | {string.Join(" | ", cells)} |");
    }

    private static void Target(StringBuilder text, string label, double measured, double limit, bool lowerIsBetter)
    {
        var met = (lowerIsBetter ? measured <= limit : measured >= limit) ? "yes" : "**no**";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {measured:0.00} | {met} |");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from the repository.");
    }

    private sealed class SideResult
    {
        public List<double> LatencyUs { get; } = [];

        public List<double> RoundP50 { get; } = [];

        public List<double> Throughput { get; } = [];

        public List<double> BigMs { get; } = [];

        public List<double> StartupMs { get; } = [];

        public List<double> PeakMiB { get; } = [];

        public double Percentile(double p) =>
            LatencyUs.Order().ElementAt((int)Math.Min(LatencyUs.Count - 1, p * LatencyUs.Count));
    }
}
