using McpGuard.Policy.Compile;
using McpGuard.Policy.Settings;

namespace McpGuard.Tests.Policy.Compile;

/// <summary><c>telemetry: { otlp, prometheus, arguments }</c> (docs/telemetry.md): off unless written.</summary>
public sealed class TelemetryPolicyTests
{
    [Fact]
    public void Load_NoTelemetryBlock_Off()
    {
        var policy = PolicyTestData.Load("version: 1\ndefault: deny\n");

        Assert.Same(TelemetrySettings.Off, policy.Telemetry);
    }

    [Fact]
    public void Load_FullBlock_ReadsEveryKey()
    {
        var policy = PolicyTestData.Load(
            "version: 1\ndefault: deny\ntelemetry:\n  otlp: http://127.0.0.1:4318\n"
                + "  prometheus: true\n  arguments: full\n");

        Assert.Equal(new Uri("http://127.0.0.1:4318"), policy.Telemetry.Otlp);
        Assert.True(policy.Telemetry.Prometheus);
        Assert.Equal(TelemetryArguments.Full, policy.Telemetry.Arguments);
    }

    [Theory]
    [InlineData("telemetry: on\n", "telemetry", 3, "must be a mapping")]
    [InlineData("telemetry: { otlp: 127.0.0.1:4318 }\n", "telemetry.otlp", 3, "http(s) URL")]
    [InlineData("telemetry: { otlp: ftp://x }\n", "telemetry.otlp", 3, "http(s) URL")]
    [InlineData("telemetry: { prometheus: yes please }\n", "telemetry.prometheus", 3, "true or false")]
    [InlineData("telemetry: { arguments: some }\n", "telemetry.arguments", 3, "must be none or full")]
    [InlineData("telemetry:\n  otlpp: http://x\n", "telemetry.otlpp", 4, "did you mean 'otlp'")]
    public void Load_BadTelemetryBlock_ErrorWithLineAndPath(string block, string path, int line, string message) =>
        PolicyTestData.AssertOneError(block, path, line, message);
}
