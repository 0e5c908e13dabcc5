using System.Globalization;

namespace McpGuard.Benchmarks;

/// <summary>
/// <c>pairs</c>: telemetry's verdict alone (<see cref="TelemetryPairs"/>), without the relay benchmark's other sides,
/// so more paired rounds fit in the same minutes: each round runs <c>--guard</c>'s pair, then <c>--before</c>'s (the
/// order alternating from round to round), and the medians of their on ÷ off ratios are printed side by side.
/// </summary>
internal static class TelemetryPairsRun
{
    private const string Call =
        """{"name":"place_order","arguments":{"symbol":"BTCUSDT","category":"spot","qty":"0.005"}}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var self = typeof(TelemetryPairsRun).Assembly.Location;
        var root = RelayBenchmark.FindRoot();
        var policy = Array.IndexOf(args, "--policy") is var p and >= 0
            ? Path.GetFullPath(args[p + 1])
            : Path.Combine(root, "bench/policies/realistic.yaml");
        var rounds = Array.IndexOf(args, "--rounds") is var r and >= 0
            ? int.Parse(args[r + 1], CultureInfo.InvariantCulture)
            : 6;
        var calls = Array.IndexOf(args, "--pipelined") is var c and >= 0
            ? int.Parse(args[c + 1], CultureInfo.InvariantCulture)
            : 40_000;
        string[] server = ["dotnet", self, "server"];
        var builds = new List<(string Name, string[] Guard)> { ("guard", GuardBuilds.Guard(root, args)) };
        if (GuardBuilds.Before(args) is { } before)
        {
            builds.Add(("before", before));
        }

        var ratios = builds.ToDictionary(b => b.Name, _ => new List<double>());
        // A receiver per build: what each build's telemetry-on side posted, to tell a dropped span from a sent one.
        var sinks = builds.ToDictionary(b => b.Name, _ => new OtlpSink());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, guard) in round % 2 == 0 ? builds : Enumerable.Reverse(builds))
            {
                string[] off = [.. guard, "run", "--policy", policy, "--log-level", "Warning", "--", .. server];
                string[] on =
                [
                    .. guard, "run", "--policy", sinks[name].PolicyFrom(policy), "--log-level", "Warning", "--",
                    .. server,
                ];
                var ratio = await TelemetryPairs.RoundAsync(off, on, Call, calls / 2, round);
                ratios[name].Add(ratio);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture, $"round {round + 1} {name}: on ÷ off {ratio:0.000}"));
            }
        }

        foreach (var (name, list) in ratios)
        {
            var sorted = list.Order().ToList();
            var median = sorted.Count % 2 == 1
                ? sorted[sorted.Count / 2]
                : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            var each = string.Join(" / ", list.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)));
            Console.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"{name}: median {median:0.000}, rounds {each}"));
        }

        foreach (var (name, sink) in sinks)
        {
            // Each on side's calls: a first block and the pairs' blocks of calls / 2, plus the three of its start.
            var onCalls = rounds * ((1 + TelemetryPairs.Pairs) * (calls / 2L) + 3);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name}'s receiver: {sink.Posts} posts, {sink.Bytes / 1024.0 / 1024.0:0.0} MiB, "
                    + $"{sink.Bytes / (double)onCalls:0} bytes per on call"));
            sink.Dispose();
        }

        return 0;
    }
}
