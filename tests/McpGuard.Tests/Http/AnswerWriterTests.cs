using System.IO.Pipelines;
using System.Text;
using McpGuard.Http;
using McpGuard.Session;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Tests.Http;

/// <summary>
/// Event streams behind a proxy (docs/serve.md#scale-out): a silent stream gets SSE comments, so a proxy's read
/// timeout (nginx's default 60 s, HAProxy's <c>timeout server</c>) does not cut it, and a GET stream's first bytes
/// come at once (HAProxy 2.6 holds the headers until then).
/// </summary>
public sealed class AnswerWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetStream_StartsWithAComment_AndGetsOneWhileSilent()
    {
        var (context, body) = Response();
        var stream = new ClientStream(null, null);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var writing = AnswerWriter.WriteStreamAsync(
            context.Response, stream, [], ended.Token, keepAlive: TimeSpan.FromMilliseconds(50));
        var text = await ReadUntilAsync(body, ": keep-alive\n\n: keep-alive\n\n");
        await stream.WriteAsync(OutboundMessage.Read("""{"jsonrpc":"2.0","method":"n"}"""u8.ToArray()), Ct);
        text += await ReadUntilAsync(body, "\"n\"}\n\n");
        await ended.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writing);

        Assert.StartsWith(": keep-alive\n\n: keep-alive\n\n", text, StringComparison.Ordinal);
        Assert.Contains(
            "\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n", text, StringComparison.Ordinal);
        Assert.Equal("text/event-stream", context.Response.ContentType);
    }

    [Fact]
    public async Task PostStream_WaitingForItsAnswer_GetsCommentsThenTheAnswer()
    {
        // A call waiting for a person: the approval question went out, then nothing until the person decides.
        var (context, body) = Response();
        var stream = new ClientStream(JsonRpcId.FromString("a"), null);
        await stream.WriteAsync(
            OutboundMessage.Read("""{"jsonrpc":"2.0","id":"q","method":"elicitation/create"}"""u8.ToArray()), Ct);

        var writing = AnswerWriter.WriteAnswerAsync(
            context.Response, stream, Ct, keepAlive: TimeSpan.FromMilliseconds(50));
        var text = await ReadUntilAsync(body, ": keep-alive\n\n");
        await stream.WriteAsync(OutboundMessage.Read("""{"jsonrpc":"2.0","id":"a","result":{}}"""u8.ToArray()), Ct);

        Assert.True(await writing);
        await context.Response.Body.FlushAsync(Ct);
        text += await ReadUntilAsync(body, "\"result\":{}}\n\n");
        Assert.StartsWith("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"q\"", text, StringComparison.Ordinal);
        Assert.Contains("\n\n: keep-alive\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostStream_CallWaitingForAPerson_IsAnEventStreamAtOnce_ThenTheAnswer()
    {
        // Desk or command approval: nothing goes to the client until the person decides; the stream starts anyway,
        // so the client has its headers (HttpClient.Timeout ends at them) and a proxy sees bytes.
        var (context, body) = Response();
        var router = new SessionRouter(relatedOnly: false);
        var stream = new ClientStream(JsonRpcId.FromString("a"), null);
        Assert.True(router.TryOpen(stream));

        var writing = AnswerWriter.WriteAnswerAsync(context.Response, stream, Ct);
        await router.WaitingForPersonAsync(JsonRpcId.FromString("a"));
        var text = await ReadUntilAsync(body, ": keep-alive\n\n");
        Assert.Equal("text/event-stream", context.Response.ContentType);
        await router.DeliverAsync(OutboundMessage.Read("""{"jsonrpc":"2.0","id":"a","result":{}}"""u8.ToArray()));

        Assert.True(await writing);
        await context.Response.Body.FlushAsync(Ct);
        text += await ReadUntilAsync(body, "\"result\":{}}\n\n");
        Assert.Equal(
            ": keep-alive\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}\n\n", text);
    }

    private static (DefaultHttpContext Context, PipeReader Body) Response()
    {
        var pipe = new Pipe();
        var context = new DefaultHttpContext();
        context.Response.Body = pipe.Writer.AsStream();
        return (context, pipe.Reader);
    }

    /// <summary>The response's body once it holds <paramref name="end"/> (read on from where it was).</summary>
    private static async Task<string> ReadUntilAsync(PipeReader body, string end)
    {
        var text = new StringBuilder();
        while (!text.ToString().Contains(end, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(Ct);
            foreach (var segment in read.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            body.AdvanceTo(read.Buffer.End);
        }

        return text.ToString();
    }
}
