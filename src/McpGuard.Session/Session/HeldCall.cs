using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// A tools/call decided off the pump. <see cref="Token"/> ends when the client withdraws it or the relay stops;
/// <see cref="IsWithdrawn"/> says which, because a withdrawn call is never answered while a stopped one is.
/// </summary>
internal sealed class HeldCall(JsonRpcId id, byte[] line, JsonElement parameters, CancellationToken relayStopping)
    : IDisposable
{
    private readonly CancellationTokenSource _cancellation =
        CancellationTokenSource.CreateLinkedTokenSource(relayStopping);
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _withdrawn;

    public JsonRpcId Id { get; } = id;

    /// <summary>A copy of the call's bytes: the pump's buffer is reused for the next line.</summary>
    public byte[] Line { get; } = line;

    /// <summary>
    /// The call's <c>params</c>, cloned from the pump's validated document (a copy of the element's bytes and rows,
    /// owned by the garbage collector): the decision reads them without parsing <see cref="Line"/> again.
    /// </summary>
    public JsonElement Params { get; } = parameters;

    public CancellationToken Token => _cancellation.Token;

    public bool IsWithdrawn => _withdrawn;

    /// <summary>Set once the decision runs; shutdown waits on it.</summary>
    public Task Decided { get; set; } = Task.CompletedTask;

    /// <summary>
    /// Completes once the call was decided, or once it waits for a person: nothing mechanical (the guard's listing,
    /// a count) is left, so a client that ended its input is not kept waiting for an answer it cannot give.
    /// </summary>
    public Task Settled => _settled.Task;

    /// <summary>The call now waits for a person, or was decided.</summary>
    public void Settle() => _settled.TrySetResult();

    public void Withdraw()
    {
        _withdrawn = true;
        Cancel();
    }

    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already decided.
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
