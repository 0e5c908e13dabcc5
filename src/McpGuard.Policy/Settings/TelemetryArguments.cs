namespace McpGuard.Policy.Settings;

/// <summary><c>telemetry.arguments</c>: none (the default) or full, the opt-in to argument values on spans.</summary>
internal enum TelemetryArguments
{
    None,
    Full,
}
