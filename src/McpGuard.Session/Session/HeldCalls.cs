using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// Every tools/call of a session that is being decided off the pump, by id: the one place a withdrawal finds
/// them and the shutdown drains them.
/// </summary>
internal sealed class HeldCalls(CancellationToken relayStopping)
{
    /// <summary>How long the shutdown waits for held decisions to notice that the relay stopped.</summary>
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, HeldCall> _held = new(StringComparer.Ordinal);

    public int Count => _held.Count;

    /// <summary>Ends when the relay stops.</summary>
    public CancellationToken Stopping => relayStopping;

    /// <summary>
    /// Copies the call's bytes and its validated <paramref name="parameters"/> (an object: the gate read the call
    /// from them) and runs <paramref name="decide"/> for it on the thread pool.
    /// </summary>
    public void Hold(JsonRpcId id, ReadOnlySequence<byte> line, JsonElement parameters, Func<HeldCall, Task> decide)
    {
        var call = new HeldCall(id, line.ToArray(), parameters.Clone(), relayStopping);
        _held[id.Key] = call;
        call.Decided = Task.Run(() => RunAsync(call, decide), CancellationToken.None);
    }

    /// <summary>The client withdrew the call (notifications/cancelled). Returns false when it is not held.</summary>
    public bool Withdraw(JsonRpcId id)
    {
        if (!_held.TryGetValue(id.Key, out var call))
        {
            return false;
        }

        call.Withdraw();
        return true;
    }

    /// <summary>
    /// Completes once every call held now was decided and forwarded or answered, or waits for a person (cancels
    /// nothing).
    /// </summary>
    public Task Settled => Task.WhenAll(_held.Values.Select(c => c.Settled));

    /// <summary>
    /// Stops every held decision and waits (briefly) until each has finished with the session's outputs.
    /// </summary>
    public async Task DrainAsync()
    {
        var calls = _held.Values.ToArray();
        foreach (var call in calls)
        {
            call.Cancel();
        }

        try
        {
            await Task.WhenAll(calls.Select(c => c.Decided)).WaitAsync(s_drainTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A decision stuck in an approval channel: the shutdown answers its request regardless.
        }
    }

    private async Task RunAsync(HeldCall call, Func<HeldCall, Task> decide)
    {
        try
        {
            await decide(call);
        }
        finally
        {
            call.Settle();
            _held.TryRemove(new KeyValuePair<string, HeldCall>(call.Id.Key, call));
            call.Dispose();
        }
    }
}
