
namespace McpGuard.Policy.Proving;

/// <summary>Moves the case's clock forward; windows slide exactly as far.</summary>
internal sealed record WaitStep : CaseStep
{
    public required TimeSpan Duration { get; init; }
}
