using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// One request at a time to a server the guard opened itself, as a minimal client: it waits for the answer with
/// the request's id, ignores notifications, and answers the server's own requests (a ping; "method not found"
/// for anything else: the probe offers no capabilities). A server that goes away mid-request is an exception.
/// </summary>
internal sealed class ProbeConnection(ITransport transport) : IAsyncDisposable
{
    private long _lastId;

    public async Task<ProbeAnswer> RequestAsync(
        string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var id = new RequestId($"mcpguard-probe-{++_lastId}");
        var sent = new JsonRpcRequest { Id = id, Method = method, Params = parameters };
        await SendAsync(sent, cancellationToken);
        var reader = transport.MessageReader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var message))
            {
                switch (message)
                {
                    case JsonRpcResponse response when response.Id.Equals(id):
                        return new ProbeAnswer.Result(response.Result);
                    case JsonRpcError error when error.Id.Equals(id):
                        return transport is IUnansweredRequests upstream && upstream.WhyUnanswered(id) is { } why
                            ? new ProbeAnswer.Unanswered(why, error.Error.Message)
                            : new ProbeAnswer.Refused(error.Error.Code, error.Error.Message);
                    case JsonRpcRequest request:
                        await AnswerAsync(request, cancellationToken);
                        break;
                }
            }
        }

        throw new McpException($"the server closed the connection before answering {method}");
    }

    public Task NotifyAsync(string method, CancellationToken cancellationToken) =>
        SendAsync(new JsonRpcNotification { Method = method }, cancellationToken);

    public ValueTask DisposeAsync() => transport.DisposeAsync();

    /// <summary>
    /// A server that died before reading fails the write; why it died (exit code, the end of its stderr) is in
    /// the reader's completion, which the SDK's stdio transport completes with a
    /// <see cref="ClientTransportClosedException"/>. The write runs on the pool and is waited for only until that
    /// completion: .NET's pipe code can instead hold the writing thread in a spin that never ends (a race with the
    /// server's exit, 14 of 300 <c>mcpguard tools</c> runs at load 40), which left the listing to its 60 s deadline
    /// and "no answer" when the reader had long said the server exited with code 3.
    /// </summary>
    private async Task SendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        var closed = transport.MessageReader.Completion;
        var send = Task.Run(() => transport.SendMessageAsync(message, cancellationToken), CancellationToken.None);
        if (await Task.WhenAny(send, closed).WaitAsync(cancellationToken) != send)
        {
            // The write may still fail later: its error is the closed connection's, already said.
            _ = send.ContinueWith(
                static failed => _ = failed.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            ThrowClosed(closed, message);
        }

        try
        {
            await send;
        }
        catch (IOException)
        {
            await closed.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (closed.Exception?.InnerException is ClientTransportClosedException ended)
            {
                ExceptionDispatchInfo.Throw(ended);
            }

            throw;
        }
    }

    /// <summary>The connection closed while a message was still being written: why, if the transport says.</summary>
    private static void ThrowClosed(Task closed, JsonRpcMessage message)
    {
        if (closed.Exception?.InnerException is ClientTransportClosedException ended)
        {
            ExceptionDispatchInfo.Throw(ended);
        }

        var what = message is JsonRpcRequest request ? request.Method : "a message";
        throw new McpException($"the server closed the connection while McpGuard was sending {what}");
    }

    private Task AnswerAsync(JsonRpcRequest request, CancellationToken cancellationToken) =>
        SendAsync(
            request.Method == RequestMethods.Ping
                ? new JsonRpcResponse { Id = request.Id, Result = new JsonObject() }
                : new JsonRpcError
                {
                    Id = request.Id,
                    Error = new JsonRpcErrorDetail
                    {
                        Code = (int)McpErrorCode.MethodNotFound,
                        Message = "Method not found",
                    },
                },
            cancellationToken);
}
