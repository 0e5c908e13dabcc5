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

    /// <summary>
    /// A 2025-only server (the TypeScript SDK v1's, as server-everything) answers a 2026-07-28 request outside a
    /// session with 400 and an error without an id. The request gets -32022, as a 2026-07-28 server answers a revision
    /// it does not implement, not -32603 "no answer"; a 2025-era request refused alike keeps -32603 and the status.
    /// Its <c>supported</c> are the revisions the guard serves (LegacyRevisions.Served): before, a second list left
    /// out 2024-11-05, which a 2025 session behind the guard takes.
    /// </summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"_meta":{"""
        + """ "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
        + """{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}""",
        """{"jsonrpc":"2.0","id":5,"error":{"code":-32022,"message":"The upstream http://127.0.0.1:9/mcp does not """
        + """speak 2026-07-28: it answered a 2026-07-28 request with HTTP 400, as a server of the 2025 revisions """
        + """does. Initialize to use it.","data":{"supported":["2025-11-25","2025-06-18","2025-03-26","2024-11-05"],"""
        + "\"requested\":\"2026-07-28\"}}}")]
    [InlineData("""{"jsonrpc":"2.0","id":5,"method":"ping"}""",
        """{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"McpGuard got no answer from the upstream """
        + """http://127.0.0.1:9/mcp: HTTP 400."}}""")]
    public async Task BadRequestWithoutItsOwnError_ModernRequestIsUnsupportedVersion(string request, string expected)
    {
        var sink = new RecordingSink();
        var options = new UpstreamOptions { Endpoint = new Uri("http://127.0.0.1:9/mcp") };
        using var client = new UpstreamClient(
            new HttpMessageInvoker(new NotInitialized()), options, sink, NullLogger.Instance);

        await client.SendAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);
        var answer = await sink.Messages.Reader.ReadAsync(TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(expected, answer);
    }

    /// <summary>
    /// A 2025-only upstream that answers a 2026-07-28 POST with 404, 405 or 406 and no JSON-RPC error of its own (the
    /// spec's backward compatibility reads 404 and 405 like 400): before, the request got -32603 "no answer … HTTP
    /// 405", and a client in auto mode did not fall back to initialize. Now -32022 naming the upstream and the status;
    /// a 2025-era request refused alike keeps -32603 and the status.
    /// </summary>
    [Theory]
    [InlineData(404, true)]
    [InlineData(405, true)]
    [InlineData(406, true)]
    [InlineData(405, false)]
    public async Task NotFoundNotAllowedNotAcceptable_ModernRequestIsUnsupportedVersion(int status, bool modern)
    {
        var sink = new RecordingSink();
        var options = new UpstreamOptions { Endpoint = new Uri("http://127.0.0.1:9/mcp") };
        using var client = new UpstreamClient(
            new HttpMessageInvoker(new Refusing((System.Net.HttpStatusCode)status)), options, sink,
            NullLogger.Instance);
        var request = modern
            ? """{"jsonrpc":"2.0","id":5,"method":"server/discover","params":{"_meta":{"""
                + """ "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
                + """{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"""
            : """{"jsonrpc":"2.0","id":5,"method":"ping"}""";

        await client.SendAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);
        var answer = await sink.Messages.Reader.ReadAsync(TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(
            modern
                ? """{"jsonrpc":"2.0","id":5,"error":{"code":-32022,"message":"The upstream http://127.0.0.1:9/mcp """
                    + $"does not speak 2026-07-28: it answered a 2026-07-28 request with HTTP {status}, as a server "
                    + """of the 2025 revisions does. Initialize to use it.","data":{"supported":["2025-11-25","""
                    + "\"2025-06-18\",\"2025-03-26\",\"2024-11-05\"],\"requested\":\"2026-07-28\"}}}"
                : """{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"McpGuard got no answer from the """
                    + $"upstream http://127.0.0.1:9/mcp: HTTP {status}.\"}}}}",
            answer);
    }

    /// <summary>
    /// A 2026-07-28 server's 404 for a method it does not implement carries its own JSON-RPC error (-32601): that is
    /// its answer, passed on, not a sign of the 2025 era.
    /// </summary>
    [Fact]
    public async Task NotFoundWithItsOwnError_PassedOn()
    {
        var sink = new RecordingSink();
        var options = new UpstreamOptions { Endpoint = new Uri("http://127.0.0.1:9/mcp") };
        const string error = """{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method not found"}}""";
        using var client = new UpstreamClient(
            new HttpMessageInvoker(new Refusing(System.Net.HttpStatusCode.NotFound, error)), options, sink,
            NullLogger.Instance);

        await client.SendAsync(
            Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":5,"method":"x/y","params":{"_meta":{"""
                + """ "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":"""
                + """{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"""),
            TestContext.Current.CancellationToken);
        var answer = await sink.Messages.Reader.ReadAsync(TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(error, answer);
    }

    /// <summary>A status with a plain-text body, or a JSON one when given.</summary>
    private sealed class Refusing(System.Net.HttpStatusCode status, string? json = null) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status)
            {
                Content = json is null
                    ? new StringContent("Not Found", Encoding.UTF8, "text/plain")
                    : new StringContent(json, Encoding.UTF8, "application/json"),
            });
    }

    /// <summary>What the TypeScript SDK v1's stateful transport answers a POST outside a session.</summary>
    private sealed class NotInitialized : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
            {
                Content = new StringContent(
                    """{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"""
                        + "\"id\":null}",
                    Encoding.UTF8,
                    "application/json"),
            });
    }

    /// <summary>
    /// A notification that cannot go because the login's token cannot be renewed: the warning says so in the
    /// credential's own words (run mcpguard login), not only the exception's type name, as it did before (hqa21).
    /// </summary>
    [Fact]
    public async Task OneWayMessage_CredentialRefused_WarningSaysToLogIn()
    {
        var logger = new CapturingLogger();
        var options = new UpstreamOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/mcp"), Credential = new RefusedCredential(),
        };
        using var client = new UpstreamClient(
            new HttpMessageInvoker(new Throwing()), options, new RecordingSink(), logger);

        await client.SendAsync(
            """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray(),
            TestContext.Current.CancellationToken);
        await logger.WaitForAsync("failed:")
            .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        var warning = Assert.Single(logger.Entries, e => e.Message.Contains("failed:", StringComparison.Ordinal));
        Assert.Contains("run `mcpguard login`", warning.Message, StringComparison.Ordinal);
    }

    private sealed class RefusedCredential : IUpstreamCredential
    {
        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
            throw new UpstreamCredentialException(
                "the token for the upstream could not be renewed (invalid_grant); run `mcpguard login`.");
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
