namespace McpGuard.Doctor;

/// <summary>How a finding of <c>mcpguard doctor</c> counts: a problem makes the exit code 1.</summary>
internal enum DoctorLevel
{
    Ok,
    Note,
    Problem,
}
