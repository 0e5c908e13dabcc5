using System.Buffers;
using System.Text;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// The session core without a transport (docs/architecture.md#the-session-core), driven as a transport drives it:
/// each peer a <see cref="RecordingPeer"/>, each message whole and its own batch.
/// </summary>
internal static class InMemorySession
{
    /// <summary>
    /// A session that asks for approval as the transports wire it (the desk, else the client's elicitation) unless
    /// the test brings its own <paramref name="approver"/>, and audits only to <paramref name="audit"/>.
    /// </summary>
    public static GuardSession Start(
        PolicyEngine engine, RecordingPeer client, RecordingPeer server, IAuditLog? audit = null,
        IApprover? approver = null, string serverName = "cmd") =>
        new(
            client,
            server,
            engine,
            approver is null
                ? channels => Approvers.Create(engine, new ElicitationChannel(channels), NullLoggerFactory.Instance)
                : _ => approver,
            audit ?? new NullAuditLog(),
            new SessionOptions(),
            serverName,
            NullLoggerFactory.Instance,
            TestContext.Current.CancellationToken);

    /// <summary>One message from the client, then the end of its batch (what it forwarded is flushed).</summary>
    public static async Task FromClientAsync(this GuardSession session, string json)
    {
        await session.HandleClientMessageAsync(Utf8(json), TestContext.Current.CancellationToken);
        await session.ClientBatchEndedAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>One message from the server, then the end of its batch (what it sent the client is flushed).</summary>
    public static async Task FromServerAsync(this GuardSession session, string json)
    {
        await session.HandleServerMessageAsync(Utf8(json), TestContext.Current.CancellationToken);
        await session.ServerBatchEndedAsync(TestContext.Current.CancellationToken);
    }

    private static ReadOnlySequence<byte> Utf8(string json) => new(Encoding.UTF8.GetBytes(json));
}
