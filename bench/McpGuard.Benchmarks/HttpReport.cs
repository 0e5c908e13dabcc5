using System.Globalization;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>The HTTP rows as markdown: each figure per round (r1 / r2 / …), and the target each is held to.</summary>
internal static class HttpReport
{
    private const string Bridge = "supergateway";
    private const string Serve = "mcpguard serve";
    private const string Direct = "direct";
    private const string Nginx = "nginx";
    private const string Url = "mcpguard serve --url";

    /// <summary>The bare .NET forwarder (Kestrel in, HttpClient out): the floor of a .NET gateway.</summary>
    public const string Forwarder = ".NET forwarder";

    /// <summary>A stdio client through <c>mcpguard run --url</c>.</summary>
    public const string UrlRun = "mcpguard run --url";

    /// <summary>What names a side of the <c>--before</c> build.</summary>
    public const string BeforeSuffix = " (before)";

    /// <param name="workload">The stdio server and the calls per client, as the report's second line.</param>
    public static string Render(Dictionary<string, HttpFigures> figures, string build, string workload)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"HTTP rows, {build}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(workload);
        text.AppendLine();
        if (figures.ContainsKey(Serve))
        {
            string[] serves = [.. Builds(figures, Serve)];
            Table(text, figures, [Bridge, .. serves], memory: true);
            text.AppendLine();
            foreach (var serve in serves)
            {
                Ratio(text, $"{serve} p50 ≤ supergateway's", figures, serve, Bridge, f => P(f, 0.5),
                    lowerIsBetter: true);
                Ratio(text, $"{serve} throughput ≥ supergateway's (64 2025 sessions)", figures, serve, Bridge,
                    f => f.SessionsThroughput, lowerIsBetter: false);
            }

            text.AppendLine();
        }

        if (!figures.ContainsKey(Url))
        {
            return text.ToString();
        }

        string[] urls = [.. Builds(figures, Url), .. Builds(figures, UrlRun)];
        string[] sides = [Direct, Nginx, Forwarder, .. urls];
        Table(text, figures, sides, memory: false);
        Row(text, "added p50 over direct (µs)", sides, figures, f => Added(figures, f, 0.5), "0");
        Row(text, "added p99 over direct (µs)", sides, figures, f => Added(figures, f, 0.99), "0");
        Row(text, "… a block's first calls: p50 (µs)", sides, figures, f => InBlocks(f, first: true, 0.5), "0");
        Row(text, "… the block's other calls: p99 (µs)", sides, figures, f => InBlocks(f, first: false, 0.99), "0");
        text.AppendLine();
        var nginx = Added(figures, figures[Nginx], 0.5);
        foreach (var side in (string[])[Forwarder, .. urls])
        {
            var ratios = Added(figures, figures[side], 0.5).Zip(nginx, (u, n) => u / n).ToList();
            var met = Met(ratios.All(r => r <= 1.5));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {side} added p50 / nginx added p50 (target ≤ 1.5): {Join(ratios, "0.00")} → {met}");
        }

        Decomposition(text, figures, nginx);
        return text.ToString();
    }

    /// <summary>
    /// Whether <c>serve --url</c> adds more than its parts: the forwarder's added p50 (Kestrel in, HttpClient out, one
    /// more hop) plus <c>run --url</c>'s (the guard's own work, reached over a pipe instead of that hop). Near zero,
    /// serve's code around the session costs about what a pipe hop costs, and its gap to the target is the guard's
    /// work that <c>run --url</c> shares (bench/README.md, issue 24, the twenty-fourth session).
    /// </summary>
    private static void Decomposition(StringBuilder text, Dictionary<string, HttpFigures> figures, List<double> nginx)
    {
        foreach (var suffix in (string[])["", BeforeSuffix])
        {
            if (!figures.TryGetValue(Url + suffix, out var serve) || !figures.TryGetValue(UrlRun + suffix, out var run))
            {
                continue;
            }

            var parts = Added(figures, figures[Forwarder], 0.5).Zip(Added(figures, run, 0.5), (f, r) => f + r);
            var beyond = Added(figures, serve, 0.5).Zip(parts, (s, p) => s - p).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {Url + suffix} added p50 − (the forwarder's + {UrlRun + suffix}'s): {Join(beyond, "0")} µs, "
                + $"÷ nginx added p50: {Join(beyond.Zip(nginx, (b, n) => b / n), "0.00")}");
        }
    }

    /// <summary>The side of this build, then that of the <c>--before</c> build when it was measured.</summary>
    private static IEnumerable<string> Builds(Dictionary<string, HttpFigures> figures, string side) =>
        new[] { side, side + BeforeSuffix }.Where(figures.ContainsKey);

    private static void Table(StringBuilder text, Dictionary<string, HttpFigures> figures, string[] sides, bool memory)
    {
        text.AppendLine($"| per round | {string.Join(" | ", sides)} |");
        text.AppendLine($"|---|{string.Concat(sides.Select(_ => "---:|"))}");
        Row(text, "tools/call p50, one 2025 session (µs)", sides, figures, f => P(f, 0.5), "0");
        Row(text, "tools/call p99 (µs)", sides, figures, f => P(f, 0.99), "0");
        Row(text, "throughput, 64 2025 sessions (calls/s)", sides, figures, f => f.SessionsThroughput, "0");
        Row(text, "… CPU per call meanwhile: the gateway (µs)", sides, figures,
            f => f.SessionsCpu.Select(c => c.Own).ToList(), "0");
        Row(text, "… and its children (µs)", sides, figures,
            f => f.SessionsCpu.Select(c => c.Children).ToList(), "0");
        Row(text, "… the gateway's context switches per call", sides, figures, f => f.SessionsSwitches, "0.0");
        Row(text, "throughput, 64 2026-07-28 clients (calls/s)", sides, figures, f => f.ModernThroughput, "0");
        if (memory)
        {
            Row(text, "resident memory, 64 sessions open: the gateway (MiB)", sides, figures,
                f => f.Memory.Select(m => m.Own).ToList(), "0");
            Row(text, "… and its children, one per session (MiB)", sides, figures,
                f => f.Memory.Select(m => m.Children).ToList(), "0");
        }
    }

    private static void Row(
        StringBuilder text, string label, string[] sides, Dictionary<string, HttpFigures> figures,
        Func<HttpFigures, List<double>> value, string format) =>
        text.AppendLine($"| {label} | {string.Join(" | ", sides.Select(s => Join(value(figures[s]), format)))} |");

    private static void Ratio(
        StringBuilder text, string label, Dictionary<string, HttpFigures> figures, string side, string baseline,
        Func<HttpFigures, List<double>> value, bool lowerIsBetter)
    {
        var ratios = value(figures[side]).Zip(value(figures[baseline]), (a, b) => a / b).ToList();
        var met = ratios.All(r => lowerIsBetter ? r <= 1 : r >= 1);
        text.AppendLine(CultureInfo.InvariantCulture, $"- {label}: ratio {Join(ratios, "0.00")} → {Met(met)}");
    }

    private static string Met(bool met) => met ? "met" : "not met";

    private static List<double> P(HttpFigures figures, double p) =>
        figures.Latency.Select(l => HttpLoad.Percentile(l, p)).ToList();

    /// <summary>
    /// A percentile of the calls that opened a block of turns (<paramref name="first"/>), or of the rest: the first
    /// runs cold after the other sides' blocks, 2 % of the calls with blocks of 50, so they alone can make a p99.
    /// NaN for a side whose calls did not take turns.
    /// </summary>
    private static List<double> InBlocks(HttpFigures figures, bool first, double p) =>
        figures.Latency.Select(l => figures.Block == 0
            ? double.NaN
            : HttpLoad.Percentile(l.Where((_, i) => (i % figures.Block == 0) == first).ToList(), p)).ToList();

    private static List<double> Added(Dictionary<string, HttpFigures> figures, HttpFigures side, double p) =>
        P(side, p).Zip(P(figures[Direct], p), (s, d) => s - d).ToList();

    private static string Join(IEnumerable<double> values, string format) =>
        string.Join(
            " / ", values.Select(v => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture)));
}
