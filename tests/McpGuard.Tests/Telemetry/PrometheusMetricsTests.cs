using System.Diagnostics.Metrics;
using McpGuard;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The Prometheus text of the guard's own meter. Instruments of the one process-wide meter are shared by tests
/// running in parallel, so each test uses a tool name of its own and reads only its series.
/// </summary>
public sealed class PrometheusMetricsTests
{
    [Fact]
    public void Scrape_Counter_TotalWithSortedEscapedLabels()
    {
        using var metrics = new PrometheusMetrics();
        var tool = "tool_\"quoted\"\\" + Guid.NewGuid().ToString("N");

        GuardTelemetry.Decisions.Add(1, new("tool", tool), new("decision", "deny"), new("rule", "default"));
        GuardTelemetry.Decisions.Add(2, new("tool", tool), new("decision", "deny"), new("rule", "default"));

        var text = metrics.Scrape();
        var escaped = tool.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal);
        Assert.Contains("# TYPE mcpguard_decisions_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains(
            $"mcpguard_decisions_total{{decision=\"deny\",rule=\"default\",tool=\"{escaped}\"}} 3\n", text,
            StringComparison.Ordinal);
    }

    /// <summary>
    /// A tool name is the server's text, and a scrape is read with curl in a terminal: an escape sequence (here one
    /// that retitles the terminal) or a bidi override is written as the text \uXXXX, never as the character. Before,
    /// only backslash, quote and newline were escaped and the ESC and BEL went out raw.
    /// </summary>
    /// <summary>
    /// Invisible characters too, as every command prints them (a zero-width space and a Unicode tag made
    /// <c>place_order</c> and a poisoned look-alike one name in a scrape); an emoji beyond U+FFFF stays as it is.
    /// </summary>
    [Fact]
    public void Scrape_ToolNameWithInvisibleCharacters_WrittenAsEscapes()
    {
        using var metrics = new PrometheusMetrics();
        var id = Guid.NewGuid().ToString("N");
        var tool = "place_order\u200B\U000E0041\U0001F600" + id;

        GuardTelemetry.Decisions.Add(1, new("tool", tool), new("decision", "allow"), new("rule", "default"));

        var line = Assert.Single(metrics.Scrape().Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains(
            "tool=\"place_order\\\\u200B\\\\uDB40\\\\uDC41\U0001F600" + id + "\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_ToolNameWithTerminalControls_WrittenInert()
    {
        using var metrics = new PrometheusMetrics();
        var id = Guid.NewGuid().ToString("N");
        var tool = "add\u001b]0;pwned\u0007\u202E" + id;

        GuardTelemetry.Decisions.Add(1, new("tool", tool), new("decision", "allow"), new("rule", "default"));

        var line = Assert.Single(metrics.Scrape().Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(line, c => TerminalText.IsUnsafe(c));
        Assert.Contains("tool=\"add\\\\u001B]0;pwned\\\\u0007\\\\u202E" + id + "\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_Histogram_CumulativeBucketsSumAndCount()
    {
        using var metrics = new PrometheusMetrics();
        var store = "store-" + Guid.NewGuid().ToString("N");

        GuardTelemetry.StoreDuration.Record(0.0002, new KeyValuePair<string, object?>("store", store));
        GuardTelemetry.StoreDuration.Record(0.003, new KeyValuePair<string, object?>("store", store));

        var lines = metrics.Scrape().Split('\n').Where(l => l.Contains(store, StringComparison.Ordinal)).ToList();
        Assert.Contains($"mcpguard_store_duration_seconds_bucket{{store=\"{store}\",le=\"0.0001\"}} 0", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_bucket{{store=\"{store}\",le=\"0.00025\"}} 1", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_bucket{{store=\"{store}\",le=\"0.0025\"}} 1", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_bucket{{store=\"{store}\",le=\"0.005\"}} 2", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_bucket{{store=\"{store}\",le=\"+Inf\"}} 2", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_count{{store=\"{store}\"}} 2", lines);
        Assert.Contains($"mcpguard_store_duration_seconds_sum{{store=\"{store}\"}} 0.0032", lines);
    }

    [Fact]
    public void OperationDuration_CarriesTheDocumentedLabelsOnly()
    {
        // docs/telemetry.md#metrics: mcp.method.name and error.type. A tool label here was one constant, "(tool)",
        // for every call: no information, one more label on every series.
        Assert.Equal(["mcp.method.name", "error.type"], GuardTelemetry.OperationDuration.Labels);
    }

    [Fact]
    public void Scrape_OtherMeters_NotExposed()
    {
        using var other = new Meter("NotTheGuard");
        var counter = other.CreateCounter<long>("other.calls");
        using var metrics = new PrometheusMetrics();

        counter.Add(1);

        Assert.DoesNotContain("other_calls", metrics.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Record_RandomNames_SeriesBounded()
    {
        using var metrics = new PrometheusMetrics();
        var prefix = Guid.NewGuid().ToString("N");

        for (var i = 0; i < PrometheusMetrics.MaxSeries + 50; i++)
        {
            GuardTelemetry.LimitRefusals.Add(1, new KeyValuePair<string, object?>("entry", prefix + i));
        }

        var series = metrics.Scrape().Split('\n')
            .Count(l => l.StartsWith("mcpguard_limit_refusals_total{", StringComparison.Ordinal));
        Assert.InRange(series, 1, PrometheusMetrics.MaxSeries);
    }
}
