using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// One guarded child driven through in-memory pipes: a message from HTTP goes in as one line (the bytes that were
/// judged are what the child gets), and the guard's output comes out through a <see cref="SessionRouter"/>.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle and the source's timer are never created: nothing to release.")]
internal sealed class PipedRelay
{
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    private readonly Pipe _input = InlinePipe.Create();
    private readonly Pipe _output = InlinePipe.Create();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _routing;
    private bool _inputEnded;

    /// <exception cref="ChildStartException">The server command could not be started.</exception>
    /// <param name="agent">The agent of a 2025 session; null for the shared child, whose requests come from
    /// many.</param>
    /// <param name="sessionId">The 2025 session's <c>Mcp-Session-Id</c>, for telemetry; null for the shared
    /// child.</param>
    /// <param name="requestAgents">The shared child's: who sent each request it carries.</param>
    public PipedRelay(GuardLauncher launcher, bool sharedByClients, string? agent, string? sessionId = null, IRequestAgents? requestAgents = null)
    {
        Router = new SessionRouter(relatedOnly: sharedByClients);
        var started = launcher.Start(_input.Reader.AsStream(), _output.Writer.AsStream(), agent, sessionId, _stop.Token, requestAgents);
        Relay = started.Relay;
        _routing = Router.RunAsync(_output.Reader, launcher.Options.Session.MaxMessageBytes + 1);
        Running = started.Running;
    }

    public IGuardRelay Relay { get; }

    public SessionRouter Router { get; }

    /// <summary>Completes with the child's exit code when the relay is over, however it ended.</summary>
    public Task<int> Running { get; }

    /// <summary>Hands the guard one message; false when the session is already ending.</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_inputEnded || Running.IsCompleted)
            {
                return false;
            }

            _input.Writer.Write(message.Span);
            _input.Writer.Write(s_newline);
            await _input.Writer.FlushAsync(cancellationToken);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the session as a client's end of input would (docs/relay.md#shutdown) and waits for it.</summary>
    public async Task EndAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (!_inputEnded)
            {
                _inputEnded = true;
                await _input.Writer.CompleteAsync();
            }
        }
        finally
        {
            _writeLock.Release();
        }

        await Running.ContinueWith(_ => { }, TaskScheduler.Default);
        await _routing;
    }

    /// <summary>Stops the relay as a signal would (shutdown): the child is asked to exit, then killed.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Running.ContinueWith(_ => { }, TaskScheduler.Default);
        await _routing;
    }
}
