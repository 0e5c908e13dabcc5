namespace McpGuard.Audit;

/// <summary>The wire words of <see cref="AuditArgumentsRecorded"/>; part of the audit record schema.</summary>
internal static class AuditArgumentsRecordedText
{
    private static readonly string[] s_words = ["full", "redacted", "hash", "none"];

    public static string ToWire(AuditArgumentsRecorded recorded) => s_words[(int)recorded];

    public static bool TryParse(string? text, out AuditArgumentsRecorded recorded)
    {
        var index = Array.IndexOf(s_words, text);
        recorded = index < 0 ? default : (AuditArgumentsRecorded)index;
        return index >= 0;
    }
}
