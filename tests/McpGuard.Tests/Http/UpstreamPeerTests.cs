using System.Buffers;
using System.Text;
using McpGuard.Http.Upstream;
using McpGuard.Session;

namespace McpGuard.Tests.Http;

/// <summary>
/// The session's server side for a remote server: messages go to the upstream client in the order the session sent
/// them, at once when nothing is under way, behind a send that is (a notification's POST) without holding the
/// session up, and everything queued still goes out after the session closes its side.
/// </summary>
public sealed class UpstreamPeerTests
{
    [Fact]
    public async Task NothingUnderWay_IsSentAtOnceOnTheCallersThread()
    {
        var sent = new List<(string Message, int Thread)>();
        var peer = new UpstreamPeer(
            (message, _) =>
            {
                sent.Add((Text(message), Environment.CurrentManagedThreadId));
                return Task.CompletedTask;
            },
            CancellationToken.None);

        var thread = Environment.CurrentManagedThreadId;
        var first = peer.SendAsync(Bytes("a"), flush: true, CancellationToken.None);
        var second = peer.SendAsync(Bytes("b"), flush: true, CancellationToken.None);

        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully);
        Assert.Equal([("a", thread), ("b", thread)], sent);
        await peer.DisposeAsync();
        await peer.Completion;
    }

    [Fact]
    public async Task ASendUnderWay_LaterMessagesWaitBehindIt_AndGoOutInOrder()
    {
        var sent = new List<string>();
        var notificationPost = new TaskCompletionSource();
        var peer = new UpstreamPeer(
            (message, _) =>
            {
                var text = Text(message);
                lock (sent)
                {
                    sent.Add(text);
                }

                return text == "notification" ? notificationPost.Task : Task.CompletedTask;
            },
            CancellationToken.None);

        await peer.SendAsync(Bytes("notification"), flush: true, CancellationToken.None);
        var request = peer.SendAsync(Bytes("request"), flush: true, CancellationToken.None);
        var another = peer.SendAsync(Bytes("another"), flush: true, CancellationToken.None);

        // The session is not held up, and nothing overtakes the POST still under way.
        Assert.True(request.IsCompletedSuccessfully && another.IsCompletedSuccessfully);
        Assert.Equal(["notification"], sent);

        await peer.DisposeAsync();
        Assert.False(peer.Completion.IsCompleted);
        notificationPost.SetResult();
        await peer.Completion;
        Assert.Equal(["notification", "request", "another"], sent);
    }

    [Fact]
    public async Task AfterTheQueueDrained_TheNextMessageIsSentAtOnceAgain()
    {
        var sent = new List<string>();
        var post = new TaskCompletionSource();
        var peer = new UpstreamPeer(
            (message, _) =>
            {
                var text = Text(message);
                lock (sent)
                {
                    sent.Add(text);
                }

                return text == "slow" ? post.Task : Task.CompletedTask;
            },
            CancellationToken.None);

        await peer.SendAsync(Bytes("slow"), flush: true, CancellationToken.None);
        await peer.SendAsync(Bytes("queued"), flush: true, CancellationToken.None);
        post.SetResult();
        await peer.SendAsync(Bytes("last"), flush: true, CancellationToken.None);

        Assert.Equal(["slow", "queued", "last"], sent);
    }

    [Fact]
    public async Task AFullQueue_HoldsTheSessionUntilThereIsRoom()
    {
        var post = new TaskCompletionSource();
        var count = 0;
        var peer = new UpstreamPeer(
            (_, _) => Interlocked.Increment(ref count) == 1 ? post.Task : Task.CompletedTask,
            CancellationToken.None);

        await peer.SendAsync(Bytes("first"), flush: true, CancellationToken.None);
        for (var i = 0; i < UpstreamPeer.MaxWaiting; i++)
        {
            await peer.SendAsync(Bytes("queued"), flush: true, CancellationToken.None);
        }

        var held = peer.SendAsync(Bytes("held"), flush: true, CancellationToken.None).AsTask();
        Assert.False(held.IsCompleted);

        post.SetResult();
        await held;
        await peer.DisposeAsync();
        await peer.Completion;
        Assert.Equal(UpstreamPeer.MaxWaiting + 2, count);
    }

    [Fact]
    public async Task AfterDispose_ASendIsAnIOException()
    {
        var peer = new UpstreamPeer((_, _) => Task.CompletedTask, CancellationToken.None);
        await peer.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(
            async () => await peer.SendAsync(Bytes("late"), flush: true, CancellationToken.None));
        Assert.True(peer.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AFailedSend_EndsTheSenderAndWhatWaitedBehindIt()
    {
        var post = new TaskCompletionSource();
        var sent = new List<string>();
        var peer = new UpstreamPeer(
            (message, _) =>
            {
                sent.Add(Text(message));
                return post.Task;
            },
            CancellationToken.None);

        await peer.SendAsync(Bytes("fails"), flush: true, CancellationToken.None);
        await peer.SendAsync(Bytes("dropped"), flush: true, CancellationToken.None);
        post.SetException(new InvalidOperationException("broken"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => peer.Completion);
        Assert.Equal(["fails"], sent);
        await Assert.ThrowsAsync<IOException>(
            async () => await peer.SendAsync(Bytes("late"), flush: true, CancellationToken.None));
    }

    [Fact]
    public async Task A2025Request_GoesWithWhatTheSessionRead_AnythingElseIsReadByTheClient()
    {
        var sent = new List<(string Message, OutboundMessage? Read)>();
        var peer = new UpstreamPeer(
            (message, read, _) =>
            {
                sent.Add((Text(message), read));
                return Task.CompletedTask;
            },
            CancellationToken.None);
        var id = JsonRpcId.FromString("call-1");
        var ct = TestContext.Current.CancellationToken;

        await peer.SendRequestAsync(id, "tools/call", ProtocolEra.Legacy, Bytes("old"), flush: true, ct);
        await peer.SendRequestAsync(id, "tools/call", ProtocolEra.Modern, Bytes("new"), flush: true, ct);
        await peer.SendAsync(Bytes("other"), flush: true, ct);

        List<(string, OutboundMessage?)> expected =
            [("old", new OutboundMessage(OutboundKind.Request, id, "tools/call", null, null)), ("new", null),
                ("other", null)];
        Assert.Equal(expected, sent);
    }

    /// <summary>
    /// What the session hands on for a 2025-era request (its id, its method, no revision) is what the upstream client
    /// reads from the judged bytes, and the session's era is 2025 exactly when the bytes name no 2026-07-28 revision:
    /// escapes, a revision key elsewhere, an older revision in the envelope, and a 2026-07-28 one.
    /// </summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{}}}""")]
    [InlineData("""{"method":"tools/call","params":{"name":"t"},"id":"a\u0062","jsonrpc":"2.0"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":-0,"method":"tools\/call","params":{"name":"t"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":"""
        + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t","_meta":"""
        + """{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t","_meta":"""
        + """{"io.modelcontextprotocol\/protocolVersion":"2026-07-28"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"_meta":"""
        + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28"},"name":"t"}}""")]
    public void WhatTheSessionRead_IsWhatTheBytesSay(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.True(ClientMessageValidator.Validate(new ReadOnlySequence<byte>(bytes)).Accepted(out var accepted));
        using var message = accepted;
        Assert.True(OutboundMessage.TryRead(bytes, out var fromBytes));

        var era = ModernMeta.EraOf(message.Params);

        Assert.Equal(era == ProtocolEra.Modern, fromBytes.IsModern);
        if (era == ProtocolEra.Legacy)
        {
            var handedOn = new OutboundMessage(OutboundKind.Request, message.Id, message.Method, null, null);
            Assert.Equal(
                (handedOn.Kind, handedOn.Id?.Key, handedOn.Method, handedOn.ModernRevision),
                (fromBytes.Kind, fromBytes.Id?.Key, fromBytes.Method, fromBytes.ModernRevision));
        }
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Text(ReadOnlyMemory<byte> message) => Encoding.UTF8.GetString(message.Span);
}
