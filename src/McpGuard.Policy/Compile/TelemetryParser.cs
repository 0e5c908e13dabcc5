using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>telemetry: { otlp: URL, prometheus: BOOL, arguments: none | full }</c> (docs/telemetry.md).
/// </summary>
internal sealed class TelemetryParser(YamlWalker yaml)
{
    private static readonly string[] s_telemetryKeys = ["otlp", "prometheus", "arguments"];

    public TelemetrySettings Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "telemetry", s_telemetryKeys, "must be a mapping: `telemetry: { otlp: http://127.0.0.1:4318 }`");
        if (keys is null)
        {
            return TelemetrySettings.Off;
        }

        var settings = TelemetrySettings.Off;
        if (keys.TryGetValue("otlp", out var otlp))
        {
            if (Uri.TryCreate(Scalar(otlp), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                settings = settings with { Otlp = uri };
            }
            else
            {
                yaml.Error(otlp, "telemetry.otlp",
                    "must be an http(s) URL of an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318");
            }
        }

        if (keys.TryGetValue("prometheus", out var prometheus))
        {
            switch (Scalar(prometheus))
            {
                case "true": settings = settings with { Prometheus = true }; break;
                case "false": break;
                default: yaml.Error(prometheus, "telemetry.prometheus", "must be true or false"); break;
            }
        }

        if (keys.TryGetValue("arguments", out var arguments))
        {
            switch (Scalar(arguments))
            {
                case "none": break;
                case "full": settings = settings with { Arguments = TelemetryArguments.Full }; break;
                default:
                    yaml.Error(arguments, "telemetry.arguments",
                        $"must be none or full, not '{Scalar(arguments) ?? arguments.NodeType.ToString()}'");
                    break;
            }
        }

        return settings;
    }
}
