using McpGuard.Desk;
using McpGuard.Policy;
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

    /// <summary>
    /// The approver of one guard session: the channels it knows, configured by the policy in force when asked.
    /// <paramref name="inClient"/> asks through the session's own client (the session owns it, so this folder
    /// knows nothing of sessions).
    /// </summary>
    public static IApprover Create(PolicyEngine engine, IApprovalChannel inClient, ILoggerFactory loggerFactory)
    {
        var channels = new IApprovalChannel[]
        {
            inClient,
            new DeskChannel(
                s_deskHttp.Value,
                DeskFiles.ReadPort,
                DeskFiles.TryReadSecret,
                engine.TimeProvider,
                loggerFactory.CreateLogger<DeskChannel>()),
            new CommandChannel(() => engine.Policy.Approval.Command, loggerFactory.CreateLogger<CommandChannel>()),
        };
        return new ChannelApprover(
            () => engine.Policy.Approval,
            channels.ToDictionary(c => c.Name),
            engine.TimeProvider,
            loggerFactory.CreateLogger<ChannelApprover>());
    }
}
