namespace McpGuard.Policy.Risk;

/// <summary>How much harm a tool can do, from least to most.</summary>
// Public only because test theories take it as a parameter, and xunit test classes must be public.
public enum RiskClass
{
    Unknown,
    Read,
    Write,
    Destructive,
    Critical,
}
