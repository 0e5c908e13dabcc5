using System.Buffers;
using System.IO.Pipelines;
using McpGuard.Session;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The SDK's client over the guard's own <see cref="UpstreamClient"/>, for the commands that list a remote server's
/// tools (<c>tools</c>, <c>check</c>, <c>pin</c> with <c>--url</c>): the same headers, <c>login</c> token, TLS, eras
/// and answer checks as <c>run --url</c>, and a 2025 session ended with DELETE when the listing is done. Two pipes
/// stand where a child's stdin and stdout would, one JSON-RPC message a line.
/// </summary>
internal sealed class UpstreamClientTransport(UpstreamOptions upstream, ILoggerFactory loggerFactory)
    : IClientTransport
{
    private static readonly TimeSpan s_closeGrace = TimeSpan.FromSeconds(5);
    private static readonly byte[] s_newLine = "\n"u8.ToArray();

    public string Name => upstream.DisplayName;

    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var http = UpstreamHttp.CreateInvoker(upstream);
        var sink = new LineSink(toClient.Writer);
        var client = new UpstreamClient(http, upstream, sink, loggerFactory.CreateLogger<UpstreamClient>());
        var pump = PumpAsync(toServer.Reader, client);
        var inner = await new StreamClientTransport(
            toServer.Writer.AsStream(), toClient.Reader.AsStream(), loggerFactory).ConnectAsync(cancellationToken);
        return new Connection(inner, sink, async () =>
        {
            await toServer.Writer.CompleteAsync();
            await pump;
            await client.CloseAsync(s_closeGrace);
            await sink.CompleteAsync();
            sink.Dispose();
            client.Dispose();
            http.Dispose();
        });
    }

    /// <summary>The SDK's lines, each sent upstream as the judged message of a guard would be.</summary>
    private static async Task PumpAsync(PipeReader lines, UpstreamClient client)
    {
        while (true)
        {
            var read = await lines.ReadAsync(CancellationToken.None);
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end).ToArray();
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                if (line.Length > 0)
                {
                    await client.SendAsync(line, CancellationToken.None);
                }
            }

            lines.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                await lines.CompleteAsync();
                return;
            }
        }
    }

    /// <summary>The upstream's checked messages, one a line; deliveries from several answers take turns.</summary>
    private sealed class LineSink(PipeWriter lines) : IUpstreamSink, IDisposable
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExchangeFailure> _failures = new();
        private bool _completed;

        /// <summary>Why the upstream did not answer the request of this id (its key); null when it did.</summary>
        public ExchangeFailure? FailureOf(JsonRpcId id) => _failures.GetValueOrDefault(id.Key);

        public ValueTask FailedAsync(
            JsonRpcId id, ExchangeFailure failure, ReadOnlyMemory<byte> error, CancellationToken cancellationToken)
        {
            _failures[id.Key] = failure;
            return DeliverAsync(error, null, cancellationToken);
        }

        public async ValueTask DeliverAsync(
            ReadOnlyMemory<byte> message, ServerMessageHeader? header, CancellationToken cancellationToken)
        {
            await _turn.WaitAsync(cancellationToken);
            try
            {
                if (_completed)
                {
                    return;
                }

                // A raw line break in valid JSON is whitespace: a space keeps the message on its line.
                var line = message.ToArray();
                for (var index = 0; index < line.Length; index++)
                {
                    line[index] = line[index] is (byte)'\n' or (byte)'\r' ? (byte)' ' : line[index];
                }

                await lines.WriteAsync(line, cancellationToken);
                await lines.WriteAsync(s_newLine, cancellationToken);
            }
            finally
            {
                _turn.Release();
            }
        }

        public async Task CompleteAsync()
        {
            await _turn.WaitAsync(CancellationToken.None);
            _completed = true;
            await lines.CompleteAsync();
            _turn.Release();
        }

        public void Dispose() => _turn.Dispose();
    }

    /// <summary>The SDK's transport, which also ends the upstream side when the SDK disposes of it.</summary>
    private sealed class Connection(ITransport inner, LineSink sink, Func<Task> close)
        : ITransport, Inventory.IUnansweredRequests
    {
        public string? WhyUnanswered(RequestId id) => sink.FailureOf(JsonRpcId.FromString(id.ToString()))?.Why;

        public string? SessionId => inner.SessionId;

        public System.Threading.Channels.ChannelReader<JsonRpcMessage> MessageReader => inner.MessageReader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
            inner.SendMessageAsync(message, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await close();
            await inner.DisposeAsync();
        }
    }
}
