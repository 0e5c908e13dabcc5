namespace McpGuard.Policy.Risk;

/// <summary>The one place risk classes meet their words: in policy files, catalogues, rule ids and output.</summary>
internal static class RiskClassWords
{
    public static string Word(RiskClass risk) => risk switch
    {
        RiskClass.Read => "read",
        RiskClass.Write => "write",
        RiskClass.Destructive => "destructive",
        RiskClass.Critical => "critical",
        _ => "unknown",
    };

    public static RiskClass? Parse(string? word) => word switch
    {
        "read" => RiskClass.Read,
        "write" => RiskClass.Write,
        "destructive" => RiskClass.Destructive,
        "critical" => RiskClass.Critical,
        "unknown" => RiskClass.Unknown,
        _ => null,
    };
}
