using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.Session;
using McpGuard.Stdio;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Stdio;

/// <summary>
/// docs/relay.md#flow-control-and-memory through the whole relay: order, size, bad lines, non-JSON output,
/// backpressure.
/// </summary>
public sealed class StdioRelayTransportTests
{
    private const int FiftyMegabytes = 50 * 1024 * 1024;

    [Fact]
    public async Task RunAsync_TwoThousandPipelinedRequests_OrderPreservedBothWays()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");
        const int Count = 2000;
        var requests = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            requests.Append(i % 2 == 0
                ? $$"""{"jsonrpc":"2.0","id":{{i}},"method":"ping"}"""
                : "{\"jsonrpc\":\"2.0\",\"id\":" + i
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"i\":" + i + "}}}");
            requests.Append('\n');
        }

        var reading = Task.Run(async () =>
        {
            var ids = new List<int>();
            for (var i = 0; i < Count; i++)
            {
                ids.Add((await relay.ReadJsonAsync()).GetProperty("id").GetInt32());
            }

            return ids;
        });
        await relay.SendRawAsync(Encoding.UTF8.GetBytes(requests.ToString()));

        Assert.Equal(
            Enumerable.Range(0, Count),
            await reading.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken));
        await relay.SyncAsync();
        var received = server.ReceivedText().Select(line => JsonDocument.Parse(line).RootElement)
            .Where(m => m.GetProperty("id").ValueKind == JsonValueKind.Number);
        Assert.Equal(Enumerable.Range(0, Count), received.Select(m => m.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task RunAsync_FiftyMegabyteResult_RelayedIntact()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"big","arguments":{"size":"""
                + FiftyMegabytes + "}}}");

        var expected = Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":""" + "\"" + Pattern(FiftyMegabytes)
                + "\"}]}}");
        var line = await relay.ReadLineAsync(TestConstants.BulkTimeout);
        Assert.NotNull(line);
        Assert.Equal(expected.Length, line.Length);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(expected)), Convert.ToHexString(SHA256.HashData(line)));
        Assert.Empty(await relay.SyncAsync());
    }

    [Fact]
    public async Task RunAsync_FiftyMegabyteRequest_ChildReceivesIdenticalBytes()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        var request = Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sha256","arguments":{"blob":""" + "\""
                + Pattern(FiftyMegabytes) + "\"}}}");
        var hash = Convert.ToHexString(SHA256.HashData(request)).ToLowerInvariant();

        await relay.SendRawAsync([.. request, (byte)'\n']);

        var answer = await relay.ReadJsonAsync(TestConstants.BulkTimeout);
        Assert.Equal(hash, answer.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        await relay.SyncAsync();
        Assert.Contains("sha256:" + hash, server.ReceivedText());
    }

    [Fact]
    public async Task RunAsync_ChildWritesNonJson_NeverForwarded()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/noise"}""");

        // The child wrote four bad lines and then this notification; the client sees only the notification.
        Assert.Equal("""{"jsonrpc":"2.0","method":"test/noise-done"}""", await relay.ReadTextAsync());
        Assert.Empty(await relay.SyncAsync());
    }

    [Fact]
    public async Task RunAsync_BadLines_EachAnsweredOnceAndRelayGoesOn()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        string[] bad =
        [
            "not json",
            """{"jsonrpc":"2.0","id":1,"method":"p%FFing"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ec\ud800ho"}}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","n\u0061me":"danger"}}""",
            """[{"jsonrpc":"2.0","id":4,"method":"ping"}]""",
            """{"jsonrpc":"2.0","id":5,"method":"ping"}%0D%0D""",
            """{"jsonrpc":"2.0","id":6.5,"method":"ping"}""",
        ];

        foreach (var line in bad)
        {
            await relay.SendRawAsync([.. WireBytes.Decode(line), (byte)'\n']);
        }

        var answers = await relay.SyncAsync();
        Assert.Equal(bad.Length, answers.Count);
        Assert.All(answers, a => Assert.Matches("\"error\":{\"code\":-32(600|700),", a));
        Assert.Equal(
            ["null", "null", "2", "3", "null", "5", "null"],
            answers.Select(a => JsonDocument.Parse(a).RootElement.GetProperty("id").GetRawText()));
        Assert.Single(server.ReceivedLines());
    }

    [Fact]
    public async Task RunAsync_CrlfLine_AcceptedAndForwardedWithoutCr()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendRawAsync(
            Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n\r\n\n"));

        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{}}""", await relay.ReadTextAsync());
        await relay.SyncAsync();
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", server.ReceivedText()[0]);
    }

    [Fact]
    public async Task RunAsync_OversizedClientLine_OneErrorAndNextLineHandled()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(
            RelayPolicies.Standard, server.CommandLine,
            RelayHarness.FastShutdown with { Session = new SessionOptions { MaxMessageBytes = 1024 } });
        var huge = """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":""" + "\"" + new string('x', 200_000)
            + "\"}}\n";

        // Written in small pieces, so the guard sees the long line over many reads.
        var bytes = Encoding.UTF8.GetBytes(huge);
        for (var offset = 0; offset < bytes.Length; offset += 4000)
        {
            await relay.SendRawAsync(bytes[offset..Math.Min(bytes.Length, offset + 4000)]);
        }

        var answers = await relay.SyncAsync();
        var refused = Assert.Single(answers);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid """
                + """request: the message is larger than McpGuard accepts."}}""",
            refused);
        Assert.DoesNotContain(server.ReceivedText(), line => line.Contains("xxxx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ServerToClientRequest_PassesThroughAndAnswerReachesServer()
    {
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);

        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/server-request"}""");
        Assert.Equal(
            """{"jsonrpc":"2.0","id":"srv-1","method":"sampling/createMessage","params":"""
                + """{"messages":[],"maxTokens":1}}""",
            await relay.ReadTextAsync());
        const string Answer = """{"jsonrpc":"2.0","id":"srv-1","result":{"role":"assistant","content":"""
            + """{"type":"text","text":"hi"},"model":"m"}}""";
        await relay.SendAsync(Answer);

        await relay.SyncAsync();
        Assert.Contains(Answer, server.ReceivedText());
    }

    /// <summary>
    /// A client that stops reading its stdout must stop the child, not grow the guard's memory. The child writes
    /// 200 lines of 1 MB and reports each on stderr; with a 64 KB client pipe it can only get a few lines ahead.
    /// </summary>
    [Fact]
    public async Task RunAsync_ClientStopsReading_ChildBlockedAndBuffersBounded()
    {
        const int Lines = 200;
        const int LineSize = 1024 * 1024;
        const int MaxAhead = 16;
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(
            RelayPolicies.Standard,
            server.CommandLine,
            outputOptions: new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));

        await relay.SendAsync(
            """{"jsonrpc":"2.0","method":"test/flood","params":{"count":""" + Lines + ""","size":""" + LineSize + "}}");
        var written = await WrittenAsync(relay, atLeast: 1, TestConstants.DefaultTimeout);

        // Nothing reads the client's stdout now. Were the guard buffering, the child would finish all 200 lines
        // well within this window; with backpressure it stays blocked a few lines ahead.
        written = await WrittenAsync(relay, atLeast: MaxAhead + 1, TimeSpan.FromSeconds(3), written);
        Assert.True(written <= MaxAhead, $"the child wrote {written} lines while the client read none");
        Assert.True(relay.Output.TryRead(out var unread));
        Assert.True(
            unread.Buffer.Length <= 64 * 1024 + 2L * LineSize,
            $"{unread.Buffer.Length} bytes wait unread in the client pipe");
        relay.Output.AdvanceTo(unread.Buffer.Start);

        for (var read = 1; read <= Lines; read++)
        {
            var line = await relay.ReadLineAsync();
            Assert.NotNull(line);
            Assert.StartsWith(
                $$"""{"jsonrpc":"2.0","method":"test/flood","params":{"i":{{read}},""",
                Encoding.UTF8.GetString(line, 0, 80), StringComparison.Ordinal);
            while (relay.StderrLines.TryRead(out var report))
            {
                written = Math.Max(written, int.Parse(report["wrote ".Length..]));
            }

            Assert.True(written - read <= MaxAhead, $"the child was {written - read} lines ahead of the client");
        }

        Assert.Empty(await relay.SyncAsync());
    }

    /// <summary>
    /// The other direction: a child that stops reading its stdin must stop the guard reading the client, so the
    /// client's writes block instead of the guard buffering them. The child resumes when told to.
    /// </summary>
    [Fact]
    public async Task RunAsync_ChildStopsReading_ClientWritesBlockThenAllDelivered()
    {
        const int Lines = 100;
        using var server = FakeServer.Create(RelayPolicies.StandardTools);
        await using var relay = RelayHarness.Start(RelayPolicies.Standard, server.CommandLine);
        await relay.SendAsync("""{"jsonrpc":"2.0","id":"list","method":"tools/list"}""");
        await relay.ReadResponseAsync("\"list\"");
        await relay.SendAsync("""{"jsonrpc":"2.0","method":"test/pause-stdin"}""");
        Assert.Equal("paused", await relay.StderrLines.ReadAsync(RelayHarness.Timeout()));

        var requests = new MemoryStream();
        var hashes = new List<string>();
        for (var i = 0; i < Lines; i++)
        {
            var line = Encoding.UTF8.GetBytes(
                """{"jsonrpc":"2.0","id":""" + i
                    + ""","method":"tools/call","params":{"name":"sha256","arguments":{"i":""" + i + ",\"blob\":\""
                    + Pattern(1024 * 1024) + "\"}}}");
            hashes.Add(Convert.ToHexString(SHA256.HashData(line)).ToLowerInvariant());
            requests.Write(line);
            requests.WriteByte((byte)'\n');
        }

        var writing = relay.SendRawAsync(requests.ToArray());

        // Were the guard reading on regardless, the 100 MB would be taken well within this window.
        await Assert.ThrowsAsync<TimeoutException>(
            () => writing.WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        server.ResumeStdin();

        var reading = Task.Run(async () =>
        {
            var answers = new List<string>();
            for (var i = 0; i < Lines; i++)
            {
                answers.Add(
                    (await relay.ReadJsonAsync()).GetProperty("result").GetProperty("content")[0].GetProperty("text")
                        .GetString()!);
            }

            return answers;
        });
        await writing;
        // Each answer is bounded on its own (ReadJsonAsync: a hang shows within DefaultTimeout); a bound on all 100
        // would be a bound on the machine's speed (this test took 58 s at load ~30 on the 2-core VM).
        Assert.Equal(hashes, await reading);
    }

    /// <summary>
    /// Reads the child's "wrote N" reports until N reaches <paramref name="atLeast"/> or the time is up.
    /// </summary>
    private static async Task<int> WrittenAsync(RelayHarness relay, int atLeast, TimeSpan within, int written = 0)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        window.CancelAfter(within);
        try
        {
            while (written < atLeast)
            {
                var report = await relay.StderrLines.ReadAsync(window.Token);
                written = Math.Max(written, int.Parse(report["wrote ".Length..]));
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // The window closed first: that is the answer.
        }

        return written;
    }

    /// <summary>The fake server's "big" tool text: a 36-character alphabet repeated.</summary>
    private static string Pattern(int size)
    {
        const string Unit = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(size, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Unit[i % Unit.Length];
            }
        });
    }
}
