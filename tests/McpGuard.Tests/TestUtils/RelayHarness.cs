using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// Runs <see cref="StdioRelay"/> against a real child, with the client's stdin, stdout and the guard's stderr
/// as in-memory pipes. Every wait is bounded by <see cref="TestConstants.DefaultTimeout"/>.
/// </summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    private readonly Pipe _input = new();
    private readonly Pipe _output;
    private readonly Pipe _stderr = new();
    private readonly CancellationTokenSource _stop;
    private readonly Channel<string> _stderrLines = Channel.CreateUnbounded<string>();
    private readonly Task _stderrDrain;
    private long _searched;
    private bool _disposed;

    private RelayHarness(
        string policyYaml, IReadOnlyList<string> commandLine, RelayOptions options, PipeOptions? outputOptions,
        ILoggerFactory? loggerFactory, ICounterStore? counters, IAuditLog? audit)
    {
        _output = new Pipe(outputOptions ?? PipeOptions.Default);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var policy = PolicyLoader.LoadText(policyYaml, "test.yaml");
        Assert.True(policy.Succeeded, string.Join("\n", policy.Errors));
        var engine = new PolicyEngine(policy.Policy, counters: counters);
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        var relay = new StdioRelay(
            new SessionPolicy(engine),
            channels => McpGuard.Approval.Approvers.Create(
                engine, new McpGuard.Session.ElicitationChannel(channels), loggers),
            audit ?? new NullAuditLog(), options, loggers);
        Run = Task.Run(
            () => relay.RunAsync(
                commandLine, "test-server", _input.Reader.AsStream(), _output.Writer.AsStream(),
                _stderr.Writer.AsStream(), _stop.Token));
        _stderrDrain = DrainStderrAsync();
    }

    /// <summary>The relay's run: completes with the child's exit code.</summary>
    public Task<int> Run { get; }

    /// <summary>What the child wrote to stderr, line by line (the guard passes the child's stderr through).</summary>
    public ChannelReader<string> StderrLines => _stderrLines.Reader;

    /// <summary>The client's stdout as the test reads it; for tests that inspect unread bytes.</summary>
    public PipeReader Output => _output.Reader;

    public static RelayHarness Start(
        string policyYaml,
        IReadOnlyList<string> commandLine,
        RelayOptions? options = null,
        PipeOptions? outputOptions = null,
        ILoggerFactory? loggerFactory = null,
        ICounterStore? counters = null,
        IAuditLog? audit = null) =>
        new(policyYaml, commandLine, options ?? FastShutdown, outputOptions, loggerFactory, counters, audit);

    public static RelayOptions FastShutdown { get; } = new()
    {
        Shutdown = new ShutdownTimeouts
        {
            AfterStdinClosed = TimeSpan.FromSeconds(3),
            AfterSigterm = TimeSpan.FromSeconds(2)
        },
    };

    public static CancellationToken Timeout(TimeSpan? within = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(within ?? TestConstants.DefaultTimeout);
        return source.Token;
    }

    public Task SendAsync(string line) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>
    /// Writes to the client's stdin, past a megabyte a megabyte at a time, each bounded on its own: the bound is on
    /// the guard taking the next megabyte (a hang), not on all 100 MB of a bulk test, which at load ~48 on the
    /// project's 2-core VM took over 30 s with nothing stuck (RunAsync_ChildStopsReading_ClientWritesBlock...).
    /// </summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        const int Piece = 1024 * 1024;
        var offset = 0;
        do
        {
            var piece = bytes.AsMemory(offset, Math.Min(Piece, bytes.Length - offset));
            var result = await _input.Writer.WriteAsync(piece, Timeout());
            Assert.False(result.IsCanceled);
            offset += piece.Length;
        }
        while (offset < bytes.Length);
    }

    /// <summary>Ends the client's stdin (client EOF).</summary>
    public Task CloseInputAsync() => _input.Writer.CompleteAsync().AsTask();

    /// <summary>
    /// The next line the client receives (without its newline), or null when the guard closed the client's stdout.
    /// </summary>
    /// <param name="within">The bound when not <see cref="TestConstants.DefaultTimeout"/>.</param>
    public async Task<byte[]?> ReadLineAsync(TimeSpan? within = null)
    {
        var cancellationToken = Timeout(within);
        while (true)
        {
            var result = await _output.Reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var newline = buffer.Slice(_searched).PositionOf((byte)'\n');
            if (newline is { } position)
            {
                var line = buffer.Slice(0, position).ToArray();
                _output.Reader.AdvanceTo(buffer.GetPosition(1, position));
                _searched = 0;
                return line;
            }

            _searched = buffer.Length;
            _output.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, "The client's stdout ended in the middle of a line.");
                return null;
            }
        }
    }

    public async Task<string> ReadTextAsync()
    {
        var line = await ReadLineAsync();
        Assert.NotNull(line);
        return Encoding.UTF8.GetString(line);
    }

    public async Task<JsonElement> ReadJsonAsync(TimeSpan? within = null)
    {
        var line = await ReadLineAsync(within);
        Assert.NotNull(line);
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Reads lines until one has the given raw id (e.g. <c>"sync"</c> with quotes); returns the lines before it.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadUntilIdAsync(string rawId)
    {
        var before = new List<string>();
        while (true)
        {
            var text = await ReadTextAsync();
            if (text.Contains($"\"id\":{rawId}", StringComparison.Ordinal))
            {
                return before;
            }

            before.Add(text);
        }
    }

    /// <summary>
    /// Reads lines until the answer with the given raw id, skipping anything else (server notifications).
    /// </summary>
    public async Task<JsonElement> ReadResponseAsync(string rawId)
    {
        while (true)
        {
            var message = await ReadJsonAsync();
            if (message.TryGetProperty("id", out var id) && id.GetRawText() == rawId
                && !message.TryGetProperty("method", out _))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Sends a ping and waits for its answer: the server has then handled (and recorded) every earlier line.
    /// </summary>
    public async Task<IReadOnlyList<string>> SyncAsync(string id = "sync")
    {
        await SendAsync($$"""{"jsonrpc":"2.0","id":"{{id}}","method":"ping"}""");
        return await ReadUntilIdAsync($"\"{id}\"");
    }

    public async Task<int> WaitForExitAsync() => await Run.WaitAsync(Timeout());

    /// <summary>Fires the relay's stop token, as Ctrl+C or SIGTERM does.</summary>
    public Task StopAsync() => _stop.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _input.Writer.CompleteAsync();
        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TestConstants.DefaultTimeout, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The test has already asserted what it needed; the relay only has to stop.
        }

        await _output.Reader.CompleteAsync();
        await _stderr.Writer.CompleteAsync();
        await _stderrDrain;
        _stop.Dispose();
    }

    private async Task DrainStderrAsync()
    {
        using var reader = new StreamReader(_stderr.Reader.AsStream(), Encoding.UTF8);
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            _stderrLines.Writer.TryWrite(line);
        }

        _stderrLines.Writer.TryComplete();
    }
}
