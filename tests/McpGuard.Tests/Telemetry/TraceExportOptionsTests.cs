using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>The span export's standard variables (docs/telemetry.md): defaults, overrides, the headers list.</summary>
public sealed class TraceExportOptionsTests
{
    private static readonly Uri s_endpoint = new("http://127.0.0.1:4318/v1/traces");

    [Fact]
    public void NoVariables_TheDefaults()
    {
        var options = TraceExportOptions.FromEnvironment(s_endpoint, _ => null);

        Assert.Equal(s_endpoint, options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ScheduleDelay);
        Assert.Equal(TraceExportOptions.DefaultMaxQueueSize, options.MaxQueueSize);
        Assert.Equal(TraceExportOptions.DefaultMaxBatchSize, options.MaxBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Empty(options.Headers);
    }

    [Fact]
    public void Variables_Override_ABatchNeverExceedsTheQueue_NonsenseIgnored()
    {
        var variables = new Dictionary<string, string>
        {
            ["OTEL_BSP_SCHEDULE_DELAY"] = "250",
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "100",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "500",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "-3",
        };

        var options = TraceExportOptions.FromEnvironment(s_endpoint, v => variables.GetValueOrDefault(v));

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ScheduleDelay);
        Assert.Equal(100, options.MaxQueueSize);
        Assert.Equal(100, options.MaxBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    [Fact]
    public void Headers_KeyValueList_UrlDecoded_MembersWithoutAKeySkipped()
    {
        var options = TraceExportOptions.FromEnvironment(s_endpoint, v => v == "OTEL_EXPORTER_OTLP_HEADERS"
            ? "x-honeycomb-team=abc%3D%3D, authorization = Basic%20dXNlcg==,novalue,=orphan" : null);

        Assert.Equal(
            [new("x-honeycomb-team", "abc=="), new("authorization", "Basic dXNlcg==")],
            options.Headers);
    }
}
