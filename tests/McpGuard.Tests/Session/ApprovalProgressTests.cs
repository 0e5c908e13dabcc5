using System.IO.Pipelines;
using System.Text.Json;
using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Session;

/// <summary>
/// docs/approval.md#client-timeouts: a call waiting for a person keeps a client that asked for progress waiting.
/// </summary>
public sealed class ApprovalProgressTests
{
    private static readonly TimeSpan s_every = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"name":"place_order","_meta":{"progressToken":"p-1"}}""", "\"p-1\"")]
    [InlineData(
        """{"name":"place_order","_meta":"""
            + """{"progressToken":9007199254740993,"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""",
        "9007199254740993")]
    public async Task Start_CallWithAProgressToken_NotifiesOnEachTickOnItsTokenUntilDisposed(
        string parameters, string token)
    {
        var time = new FakeTimeProvider();
        var client = new Pipe();
        await using var sink = new LineSink(client.Writer.AsStream());
        using var document = JsonDocument.Parse(parameters);
        var lines = new StreamReader(client.Reader.AsStream());

        var progress = ApprovalProgress.Start(document.RootElement, "place_order", s_every, time, sink, Ct);
        Assert.NotNull(progress);
        time.Advance(s_every);
        var first = await lines.ReadLineAsync(Ct);
        time.Advance(s_every);
        var second = await lines.ReadLineAsync(Ct);
        await progress.DisposeAsync();
        time.Advance(s_every * 3);
        await ((IClientPeer)sink).SendAsync("""{"answer":true}"""u8.ToArray(), flush: true, Ct);

        Assert.Equal(
            $$$"""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":{{{token}}}"""
                + $$$""","progress":1,"message":"waiting for a person to approve place_order"}}""",
            first);
        Assert.Contains("\"progress\":2,", second, StringComparison.Ordinal);

        // Nothing after the stop: the next line is whatever the call's owner writes (its answer).
        Assert.Equal("""{"answer":true}""", await lines.ReadLineAsync(Ct));
    }

    [Theory]
    [InlineData("""{"name":"place_order"}""")]
    [InlineData("""{"name":"place_order","_meta":{}}""")]
    [InlineData("""{"name":"place_order","_meta":{"progressToken":null}}""")]
    [InlineData("""{"name":"place_order","_meta":{"progressToken":{"a":1}}}""")]
    public async Task Start_CallWithoutAUsableProgressToken_SendsNothing(string parameters)
    {
        await using var sink = new LineSink(new MemoryStream());
        using var document = JsonDocument.Parse(parameters);

        Assert.Null(
            ApprovalProgress.Start(document.RootElement, "place_order", s_every, new FakeTimeProvider(), sink, Ct));
    }
}
