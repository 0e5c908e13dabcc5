using System.Text;
using System.Threading.Channels;
using McpGuard.Http.Upstream;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Http;

/// <summary>
/// A request whose exchange fails in a way the exchange does not put into words (here the HTTP stack throws an
/// InvalidOperationException; a token that could not be a header did so with a FormatException) still gets its
/// JSON-RPC error naming the upstream: before, it was never answered and the client waited for ever.
/// </summary>
public sealed class UpstreamClientFailureTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"ping","params":{"_meta":{"""
        + """ "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
        + """{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}""")]
    public async Task UnexpectedException_TheRequestStillGetsItsError(string request)
    {
        var sink = new RecordingSink();
        var options = new UpstreamOptions { Endpoint = new Uri("http://127.0.0.1:9/mcp") };
        using var client = new UpstreamClient(
            new HttpMessageInvoker(new Throwing()), options, sink, NullLogger.Instance);

        await client.SendAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);
        var answer = await sink.Messages.Reader.ReadAsync(TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"McpGuard got no answer from the upstream """
                + """http://127.0.0.1:9/mcp: the request failed (InvalidOperationException)."}}""",
            answer);
    }

    private sealed class Throwing : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not a failure the exchange knows");
    }

    private sealed class RecordingSink : IUpstreamSink
    {
        public Channel<string> Messages { get; } = Channel.CreateUnbounded<string>();

        public ValueTask DeliverAsync(
            ReadOnlyMemory<byte> message, ServerMessageHeader? header, CancellationToken cancellationToken) =>
            Messages.Writer.WriteAsync(Encoding.UTF8.GetString(message.Span), cancellationToken);
    }
}
