namespace McpGuard.Doctor;

/// <summary>
/// One line of the doctor's report: what was looked at, what was found, and (for a problem) what to do.
/// </summary>
internal sealed record DoctorFinding(DoctorLevel Level, string Subject, string Text, int Indent = 0);
