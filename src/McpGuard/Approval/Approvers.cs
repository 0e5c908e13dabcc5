using McpGuard.Policy;
using McpGuard.Relay;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

internal static class Approvers
{
    /// <summary>The approver of one guard: the channels it knows, configured by the policy in force when asked.</summary>
    public static IApprover Create(PolicyEngine engine, RelayChannels relay, ILoggerFactory loggerFactory)
    {
        var channels = new IApprovalChannel[]
        {
            new ElicitationChannel(relay),
            new CommandChannel(() => engine.Policy.Approval.Command, loggerFactory.CreateLogger<CommandChannel>()),
        };
        return new ChannelApprover(() => engine.Policy.Approval, channels.ToDictionary(c => c.Name), engine.TimeProvider, loggerFactory.CreateLogger<ChannelApprover>());
    }
}
