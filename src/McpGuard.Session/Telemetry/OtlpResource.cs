namespace McpGuard.Telemetry;

/// <summary>
/// The resource every span and metric carries (docs/telemetry.md), made once per process: <c>service.name</c>
/// (<c>OTEL_SERVICE_NAME</c>, else <c>mcpguard</c>), <c>service.version</c>, a <c>service.instance.id</c>, the
/// <c>telemetry.sdk.*</c> attributes naming the guard's own exporter, and what <c>OTEL_RESOURCE_ATTRIBUTES</c> adds
/// (<c>key=value,...</c>, URL-encoded, as the specification says; it cannot change the guard's own attributes).
/// </summary>
internal static class OtlpResource
{
    public static IReadOnlyList<KeyValuePair<string, object>> FromEnvironment(Func<string, string?> environment)
    {
        var service = environment("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : "mcpguard";
        var attributes = new List<KeyValuePair<string, object>>
        {
            new("service.name", service),
            new("service.version", GuardTelemetry.Version ?? "unknown"),
            new("service.instance.id", Guid.NewGuid().ToString()),
            new("telemetry.sdk.name", "mcpguard"),
            new("telemetry.sdk.language", "dotnet"),
            new("telemetry.sdk.version", GuardTelemetry.Version ?? "unknown"),
        };
        var own = attributes.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var member in (environment("OTEL_RESOURCE_ATTRIBUTES") ?? "").Split(','))
        {
            var equals = member.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = Uri.UnescapeDataString(member[..equals].Trim());
            if (key.Length > 0 && own.Add(key))
            {
                attributes.Add(new(key, Uri.UnescapeDataString(member[(equals + 1)..].Trim())));
            }
        }

        return attributes;
    }
}
