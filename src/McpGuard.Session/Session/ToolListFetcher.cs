using System.Runtime.InteropServices;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Pins;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// Lists the server's tools on the guard's own behalf, every page, under ids from the guard's own id space.
/// Used when the client calls a tool before it has listed them (or after the list changed), so the guard
/// can tell a real tool from an unknown one. Concurrent callers share one fetch, which runs until the relay
/// stops (<paramref name="relayStopping"/>): one caller giving up (a withdrawn call) must not end it for the others.
/// </summary>
internal sealed class ToolListFetcher(
    SessionChannels channels,
    SessionOptions options,
    Action<ListedTool, PinAction> onDrift,
    CancellationToken relayStopping)
{
    private const int MaxPages = 1000;

    private readonly Lock _lock = new();
    private Task? _inFlight;

    /// <param name="envelope">
    /// The <c>_meta</c> envelope of the modern-era call that needs the list (see <see cref="ModernMeta.EnvelopeOf"/>),
    /// copied onto the guard's own requests so a modern server serves them in the client's era; null in the 2025 era.
    /// </param>
    /// <param name="refresh">List again even though the list is complete (a modern call named a tool not in
    /// it).</param>
    /// <param name="policy">The snapshot of the call that needs the list: a listing it starts checks pins against
    /// it (callers that join a listing in flight share the first caller's).</param>
    public Task EnsureCompleteAsync(
        CompiledPolicy policy, byte[]? envelope, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && channels.Catalog.IsComplete)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            if (_inFlight is null || _inFlight.IsCompleted)
            {
                _inFlight = FetchAllAsync(policy, envelope, relayStopping);
            }

            return _inFlight.WaitAsync(cancellationToken);
        }
    }

    private async Task FetchAllAsync(CompiledPolicy policy, byte[]? envelope, CancellationToken cancellationToken)
    {
        var tools = new List<ListedTool>();
        string? cursor = null;

        // Pins are checked here too (the guard's own listing is a listing): the catalog learns each tool's drift,
        // and the gate hides at call time.
        var judge = ToolListJudges.For(policy, channels.ServerName, hide: false, onDrift);
        for (var page = 0; page < MaxPages; page++)
        {
            var request = channels.AwaitingServer.AddOwn(RequestMethods.ToolsList);
            var noParams = cursor is null && envelope is null;
            var message = JsonRpcMessages.Request(request.Id, RequestMethods.ToolsList, noParams ? null : writer =>
            {
                writer.WriteStartObject();
                if (cursor is not null)
                {
                    writer.WriteString("cursor"u8, cursor);
                }

                if (envelope is not null)
                {
                    writer.WritePropertyName("_meta"u8);
                    writer.WriteRawValue(envelope, skipInputValidation: true);
                }

                writer.WriteEndObject();
            });
            await channels.ToServer.SendAsync(message, flush: true, cancellationToken);
            using var response =
                await request.OwnResponse!.Task.WaitAsync(options.OwnRequestTimeout, cancellationToken);
            var listed = ToolListRewriter.ReadPage(response.RootElement, judge, [])
                ?? throw Refusal(response.RootElement);
            tools.AddRange(listed.Tools);
            cursor = listed.NextCursor;
            if (cursor is null)
            {
                channels.Catalog.ReplaceAll(tools);
                return;
            }
        }

        throw new InvalidOperationException($"The server's tool list did not end after {MaxPages} pages.");
    }

    /// <summary>
    /// Why an answer without a tool list: the server's (or, for a remote server, the guard's own upstream) error
    /// message, which says what failed — a refused connection names the upstream. A well-formed error is kept whole.
    /// </summary>
    private static InvalidOperationException Refusal(JsonElement response)
    {
        if (response.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.String)
        {
            var text = "The server refused the guard's tools/list: " + message.GetString();
            return error.TryGetProperty("code"u8, out var code) && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt32(out _)
                ? new ToolListRefusedException(text, JsonMarshal.GetRawUtf8Value(error).ToArray())
                : new InvalidOperationException(text);
        }

        return new InvalidOperationException("The server answered the guard's tools/list without a tool list.");
    }
}
