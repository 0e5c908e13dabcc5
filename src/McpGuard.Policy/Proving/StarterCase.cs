using McpGuard.Policy.Decide;

namespace McpGuard.Policy.Proving;

/// <summary>
/// One case <c>mcpguard init</c> writes: a call to a server's tool and what the starter policy does with it.
/// </summary>
internal sealed record StarterCase(string Name, string Tool, CallVerdict Expect);
