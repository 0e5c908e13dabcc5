using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Http;

/// <summary>
/// 2026-07-28 requests: stateless, all on one shared child started on first use (and again if it dies). Each goes
/// with ids of the guard's own, so clients never collide, and everything that comes back goes only to the request
/// it names. A client that closes its stream before the answer cancels the request on the server.
/// </summary>
internal sealed class StatelessRequests(GuardLauncher launcher) : IRequestAgents
{
    private static readonly string[] s_id = ["id"];
    private static readonly string[] s_metaToken = ["params", "_meta", "progressToken"];

    private readonly Lock _gate = new();

    /// <summary>Who sent each request in flight on the shared child, and its own id there, by the guard's id.</summary>
    private readonly ConcurrentDictionary<string, (string Agent, byte[] ClientId)> _senders =
        new(StringComparer.Ordinal);
    private GatewayRelay? _shared;
    private long _next;

    public async Task HandleAsync(HttpContext context, ClientMessage message, byte[] body)
    {
        var (response, aborted) = (context.Response, context.RequestAborted);
        if (ModernHeaders.Mismatch(context.Request.Headers, message) is { } mismatch)
        {
            await HttpAnswers.JsonRpcErrorAsync(
                response, StatusCodes.Status400BadRequest, message.Id, ModernHeaders.MismatchCode, mismatch);
            return;
        }

        if (message.Method == RequestMethods.Initialize)
        {
            // 2026-07-28 has no initialize: Method not found (404), as the TypeScript SDK's server answers one with
            // the envelope. Never forwarded: it would put the shared child of a 2025-only server into one client's
            // session, its capabilities standing for every client's.
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status404NotFound, message.Id,
                McpErrorCode.MethodNotFound.AsInt(),
                "Method not found: initialize is not a 2026-07-28 method (server/discover is; a 2025 client sends "
                + "initialize without the _meta envelope).");
            return;
        }

        GatewayRelay shared;
        try
        {
            shared = Shared();
        }
        catch (ChildStartException ex)
        {
            await HttpAnswers.JsonRpcErrorAsync(
                response, StatusCodes.Status502BadGateway, message.Id, McpErrorCode.InternalError.AsInt(), ex.Message);
            return;
        }

        var own = "mcpguard-"
            + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var guardId = JsonRpcId.FromString(own);
        var forwarded = JsonSplice.Replace(body, s_id, guardId.Raw);
        byte[]? clientToken = null;
        if (JsonSplice.TryFind(forwarded, s_metaToken, out var start, out var length))
        {
            clientToken = forwarded.AsSpan(start, length).ToArray();
            forwarded = JsonSplice.Replace(forwarded, s_metaToken, guardId.Raw);
        }

        var stream = new ClientStream(guardId, clientToken is null ? null : Encoding.UTF8.GetString(guardId.Raw))
        {
            Restore = new ClientIds(message.Id!.Value.Raw, clientToken),
        };
        shared.Router.TryOpen(stream);
        _senders[guardId.Key] = (context.Features.GetRequiredFeature<CallingAgent>().Name, message.Id!.Value.Raw);
        var answered = false;
        try
        {
            // The ids in it are the guard's own now: the session reads the bytes it gets.
            if (await shared.SendAsync(forwarded, null, aborted))
            {
                answered = await AnswerWriter.WriteAnswerAsync(response, stream, aborted, modern: true);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client closed the request's stream: below, that cancels it.
        }
        finally
        {
            shared.Router.Close(stream);
            _senders.TryRemove(guardId.Key, out _);
        }

        if (!answered && aborted.IsCancellationRequested)
        {
            await shared.SendAsync(Cancelled(guardId), null, CancellationToken.None);
        }
    }

    public string? AgentOf(JsonRpcId id) => _senders.TryGetValue(id.Key, out var sender) ? sender.Agent : null;

    public (string Agent, byte[] ClientId)? SenderOf(JsonRpcId id) =>
        _senders.TryGetValue(id.Key, out var sender) ? sender : null;

    /// <summary>Shutdown, the drain ran out: every request still waiting gets an error saying why.</summary>
    public Task AnswerInFlightAsync(string why)
    {
        lock (_gate)
        {
            return _shared?.Router.AnswerInFlightAsync(why) ?? Task.CompletedTask;
        }
    }

    /// <summary>Shutdown: the shared child is stopped as on a signal.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _shared?.StopAsync() ?? Task.CompletedTask;
        }
    }

    public Task OnPolicyReloadedAsync(bool hiddenChanged)
    {
        lock (_gate)
        {
            return _shared?.Relay.OnPolicyReloadedAsync(hiddenChanged) ?? Task.CompletedTask;
        }
    }

    private GatewayRelay Shared()
    {
        lock (_gate)
        {
            if (_shared is null || _shared.Running.IsCompleted)
            {
                _shared = new GatewayRelay(launcher, sharedByClients: true, agent: null, requestAgents: this);
            }

            return _shared;
        }
    }

    private static byte[] Cancelled(JsonRpcId id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, ModelContextProtocol.Protocol.NotificationMethods.CancelledNotification);
            writer.WriteStartObject("params"u8);
            writer.WritePropertyName("requestId"u8);
            writer.WriteRawValue(id.Raw);
            writer.WriteString("reason"u8, "The client closed the request's stream."u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
