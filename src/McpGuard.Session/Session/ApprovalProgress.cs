using System.Buffers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// While a held call waits for a person, tells the client it is still being worked on: a
/// <c>notifications/progress</c> on the call's own progress token every <c>approval.progress</c> (docs/approval.md).
/// Clients that reset their request timeout on progress (the TypeScript SDK's <c>resetTimeoutOnProgress</c>) then
/// keep waiting for as long as the approval may take, instead of giving up at their own default (60 s). A call
/// without a progress token gets nothing: MCP sends progress only to a client that asked for it.
/// Owned by one held call, on the guard's <see cref="TimeProvider"/>; disposing it stops it, and no notification is
/// written after <see cref="DisposeAsync"/> returns, so none can follow the call's answer.
/// </summary>
internal sealed class ApprovalProgress : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ApprovalProgress(
        byte[] token,
        string toolName,
        TimeSpan every,
        TimeProvider timeProvider,
        IClientPeer toClient,
        CancellationToken callEnded)
    {
        _loop = RunAsync(token, toolName, every, timeProvider, toClient, callEnded);
    }

    /// <summary>
    /// Starts telling the client, when the call's <c>params._meta.progressToken</c> is set (both eras); else null.
    /// </summary>
    public static ApprovalProgress? Start(
        JsonElement parameters,
        string toolName,
        TimeSpan every,
        TimeProvider timeProvider,
        IClientPeer toClient,
        CancellationToken callEnded)
    {
        if (!ModernMeta.TryGetMeta(parameters, out var meta) || !meta.TryGetProperty("progressToken"u8, out var token)
            || token.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return null;
        }

        // The token's own bytes, as validated with the client's line: echoed exactly (as ids are).
        var raw = Encoding.UTF8.GetBytes(token.GetRawText());
        return new ApprovalProgress(raw, toolName, every, timeProvider, toClient, callEnded);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(
        byte[] token,
        string toolName,
        TimeSpan every,
        TimeProvider timeProvider,
        IClientPeer toClient,
        CancellationToken callEnded)
    {
        try
        {
            using var timer = new PeriodicTimer(every, timeProvider);
            for (var tick = 1; await timer.WaitForNextTickAsync(_stop.Token); tick++)
            {
                await toClient.SendAsync(Notification(token, tick, toolName), flush: true, callEnded);
            }
        }
        catch (OperationCanceledException)
        {
            // Answered, withdrawn or the guard is stopping.
        }
        catch (IOException)
        {
            // The client is gone; the call's own answer finds that out too.
        }
    }

    /// <summary>
    /// <c>{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":T,"progress":N,…}}</c>.
    /// </summary>
    public static byte[] Notification(ReadOnlySpan<byte> token, int progress, string toolName)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, NotificationMethods.ProgressNotification);
            writer.WriteStartObject("params"u8);
            writer.WritePropertyName("progressToken"u8);
            writer.WriteRawValue(token, skipInputValidation: true);
            writer.WriteNumber("progress"u8, progress);
            writer.WriteString("message"u8, $"waiting for a person to approve {toolName}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
