namespace McpGuard.Telemetry;

/// <summary>
/// The parts of every OTLP trace request that never change in a process, encoded once: the resource (the same
/// attributes the metrics carry) and the instrumentation scope.
/// </summary>
internal static class OtlpHeaders
{
    /// <summary><c>ResourceSpans.resource</c> (field 1): a <c>Resource</c> with the attributes.</summary>
    public static byte[] Resource(IEnumerable<KeyValuePair<string, object>> attributes)
    {
        var writer = new ProtoWriter();
        var body = writer.Begin(0x0A);
        foreach (var (name, value) in attributes)
        {
            var key = OtlpAttributes.Key(name);
            switch (value)
            {
                case bool b:
                    OtlpAttributes.Bool(writer, 0x0A, key, b);
                    break;
                case long or int:
                    OtlpAttributes.Int(writer, 0x0A, key, Convert.ToInt64(value, null));
                    break;
                case double d:
                    OtlpAttributes.Double(writer, 0x0A, key, d);
                    break;
                default:
                    OtlpAttributes.String(writer, 0x0A, key, Convert.ToString(value, null));
                    break;
            }
        }

        writer.End(body);
        return writer.Written.ToArray();
    }

    /// <summary><c>ScopeSpans.scope</c> (field 1): an <c>InstrumentationScope</c> with its name and version.</summary>
    public static byte[] Scope(string name, string? version)
    {
        var writer = new ProtoWriter();
        var body = writer.Begin(0x0A);
        writer.String(0x0A, name);
        if (version is not null)
        {
            writer.String(0x12, version);
        }

        writer.End(body);
        return writer.Written.ToArray();
    }
}
