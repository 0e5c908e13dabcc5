using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// The SDK's stdio transport for one listing, which stops waiting for its server once <c>abandoned</c> is cancelled
/// (listed, or given up): the SDK reads the options' ShutdownTimeout when it closes the connection, so zero there
/// makes it kill the server's process tree at once (<see cref="ServerConnector"/>). The watch on that token belongs to
/// the connection and ends with it (closed, or never opened): a token that outlives the listing holds neither the
/// options nor a callback into a closed connection. Closing reads the token itself too: a token's callbacks run
/// newest first, so what ends a given-up listing (its wait for an answer, cancelled) can close the connection before
/// the watch has run. Once the server is killed, closing waits (briefly) until it is gone (<see cref="KilledServer"/>).
/// </summary>
internal sealed class AbandonableStdioTransport(
    StdioClientTransportOptions options, ILoggerFactory loggerFactory, CancellationToken abandoned) : IClientTransport
{
    private readonly StdioClientTransport _transport = new(options, loggerFactory);

    public string Name => _transport.Name;

    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken)
    {
        var watch = abandoned.Register(() => options.ShutdownTimeout = TimeSpan.Zero);
        try
        {
            return new Connection(await _transport.ConnectAsync(cancellationToken), this, watch);
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    private bool StopWaitingIfAbandoned()
    {
        if (abandoned.IsCancellationRequested)
        {
            options.ShutdownTimeout = TimeSpan.Zero;
            return true;
        }

        return false;
    }

    /// <summary>The SDK's connection, unchanged but for not waiting once abandoned and ending the watch.</summary>
    private sealed class Connection(
        ITransport connection, AbandonableStdioTransport owner, CancellationTokenRegistration watch) : ITransport
    {
        public string? SessionId => connection.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => connection.MessageReader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
            connection.SendMessageAsync(message, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                var killed = owner.StopWaitingIfAbandoned();
                await connection.DisposeAsync();
                if (killed && KilledServer.ProcessIdOf(connection) is { } pid)
                {
                    await KilledServer.AwaitGoneAsync(pid);
                }
            }
            finally
            {
                await watch.DisposeAsync();
            }
        }
    }
}
