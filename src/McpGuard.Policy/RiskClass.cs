namespace McpGuard.Policy;

/// <summary>How much harm a tool can do, from least to most.</summary>
public enum RiskClass
{
    Unknown,
    Read,
    Write,
    Destructive,
    Critical,
}
