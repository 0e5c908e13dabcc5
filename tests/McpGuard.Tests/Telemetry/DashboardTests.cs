using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.Policy.Limits;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// samples/grafana/mcpguard-dashboard.json queries only what the guard emits: every metric name in its queries is a
/// series of the guard's Prometheus text, and every label it groups by is a label of that series.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Dashboard_Queries_NameOnlyEmittedMetricsAndLabels()
    {
        using var metrics = new PrometheusMetrics();
        await using var gauges = new LimitGauges(
            _ => Task.FromResult<IReadOnlyList<LimitUse>>(
                [new LimitUse("place_order", "budget", "24h", 0.25, 0.5, null)]),
            TimeProvider.System);
        await gauges.RefreshNowAsync(TestContext.Current.CancellationToken);
        EmitOneOfEach();
        var series = Series(metrics.Scrape());

        var queries = Queries().ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var names = MetricName().Matches(query).Select(m => m.Value).Distinct().ToList();
            Assert.NotEmpty(names);
            foreach (var name in names)
            {
                Assert.True(
                    series.ContainsKey(name), $"the dashboard queries {name}, which the guard does not emit: {query}");
                foreach (var label in GroupedBy(query).Where(l => l != "le"))
                {
                    Assert.True(
                        names.Any(n => series[n].Contains(label)),
                        $"the dashboard groups {name} by {label}, which it does not carry: {query}");
                }
            }
        }
    }

    private static void EmitOneOfEach()
    {
        KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
        GuardTelemetry.Decisions.Add(1, Tag("decision", "deny"), Tag("rule", "default"), Tag("tool", "echo"));
        GuardTelemetry.Approvals.Add(1, Tag("outcome", "approved"), Tag("channel", "desk"));
        GuardTelemetry.LimitRefused(new LimitRefusal(LimitScope.Entry, "full", null)
        {
            Limit = new("place_order", CounterKind.Rate, TimeSpan.FromMinutes(1)),
        });
        GuardTelemetry.OperationDuration.Record(0.001, Tag("mcp.method.name", "tools/call"));
        GuardTelemetry.StoreDuration.Record(0.001, Tag("store", "sqlite"));
    }

    /// <summary>Each series name in the text with the label names it carries.</summary>
    private static Dictionary<string, HashSet<string>> Series(string text)
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            var name = line[..line.IndexOfAny(['{', ' '])];
            var labels = series.TryGetValue(name, out var known) ? known : series[name] = [];
            foreach (Match label in LabelName().Matches(line))
            {
                labels.Add(label.Groups[1].Value);
            }
        }

        return series;
    }

    private static IEnumerable<string> Queries()
    {
        var path = Path.Combine(RepoRoot(), "samples", "grafana", "mcpguard-dashboard.json");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return target.GetProperty("expr").GetString()!;
            }
        }
    }

    private static IEnumerable<string> GroupedBy(string query) =>
        ByClause().Matches(query).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries));

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "McpGuard.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new DirectoryNotFoundException("McpGuard.sln not found above the test folder");
    }

    [GeneratedRegex(@"\bmcp(guard)?_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"[{,]([a-z_]+)=""")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"\bby \(([^)]*)\)")]
    private static partial Regex ByClause();
}
