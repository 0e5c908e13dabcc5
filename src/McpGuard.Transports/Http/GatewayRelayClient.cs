using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using McpGuard.Http.Upstream;
using McpGuard.Session;

namespace McpGuard.Http;

/// <summary>
/// A remote session's client behind the gateway (<c>serve --url</c>): a request's message goes straight into the
/// session on the request's own thread, and what the session sends towards the client goes straight to the
/// <see cref="SessionRouter"/> (<see cref="RoutedClientPeer"/>). A child's relay needs lines through pipes (<see
/// cref="PipeInlet"/>); this one has no pipe, no line framing and no second read of the message in between.
/// </summary>
[SuppressMessage(
    "Design", "CA1001", Justification = "The semaphore's wait handle is never created: nothing to release.")]
internal sealed class GatewayRelayClient(SessionRouter router) : IRelayClient, IGatewayInlet
{
    /// <summary>One message at a time, in order, as a pump would hand them over.</summary>
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TaskCompletionSource<(GuardSession Session, CancellationToken Stopping)> _session =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _inputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IClientPeer Output { get; } = new RoutedClientPeer(router);

    /// <summary>Every message is routed as it is sent (<see cref="RoutedClientPeer"/>).</summary>
    public Task Routed => Task.CompletedTask;

    public Task FeedAsync(GuardSession session, CancellationToken cancellationToken)
    {
        _session.TrySetResult((session, cancellationToken));
        return _inputEnded.Task;
    }

    public async ValueTask<bool> SendAsync(
        ReadOnlyMemory<byte> message, ClientMessage? validated, CancellationToken cancellationToken)
    {
        // Set as the relay starts, before the gateway has the relay: no wait in practice.
        var (session, stopping) = await _session.Task.WaitAsync(cancellationToken);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_inputEnded.Task.IsCompleted || stopping.IsCancellationRequested)
            {
                return false;
            }

            // The relay's token, not the request's: a message taken is handled whole, whatever its client does.
            var line = new ReadOnlySequence<byte>(message);
            await (validated is null
                ? session.HandleClientMessageAsync(line, stopping)
                : session.HandleClientMessageAsync(validated, line, stopping));
            await session.ClientBatchEndedAsync(stopping);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The relay stopped while the session handled it: the session is ending.
            return false;
        }
        finally
        {
            _turn.Release();
        }
    }

    public async Task EndAsync()
    {
        await _turn.WaitAsync();
        _inputEnded.TrySetResult();
        _turn.Release();
    }
}
