using McpGuard.Desk;
using McpGuard.Policy;
using McpGuard.Session;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

internal static class Approvers
{
    /// <summary>
    /// One client for every guard session's desk questions. Long polls take up to 20 s; connecting to loopback
    /// should never take long, and a proxy must never see the secret.
    /// </summary>
    private static readonly Lazy<HttpClient> s_deskHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(40),
    });

    /// <summary>The approver of one guard: the channels it knows, configured by the policy in force when asked.</summary>
    public static IApprover Create(PolicyEngine engine, SessionChannels relay, ILoggerFactory loggerFactory)
    {
        var channels = new IApprovalChannel[]
        {
            new ElicitationChannel(relay),
            new DeskChannel(s_deskHttp.Value, DeskFiles.ReadPort, DeskFiles.TryReadSecret, engine.TimeProvider, loggerFactory.CreateLogger<DeskChannel>()),
            new CommandChannel(() => engine.Policy.Approval.Command, loggerFactory.CreateLogger<CommandChannel>()),
        };
        return new ChannelApprover(() => engine.Policy.Approval, channels.ToDictionary(c => c.Name), engine.TimeProvider, loggerFactory.CreateLogger<ChannelApprover>());
    }
}
