using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// docs/serve.md: a call waiting for a person (here the command channel, which sends the client nothing) is answered
/// with an event stream at once, so the client has its answer's headers while the person decides: .NET's
/// <c>HttpClient.Timeout</c> (100 s by default) ends there, and a proxy sees bytes. Before, the answer was JSON and
/// nothing at all was sent until the decision. The C# SDK's <see cref="HttpClientTransport"/>, both eras.
/// </summary>
public sealed class ServeApprovalStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("auto")]
    public async Task CallWaitingForAPerson_ClientHasAnEventStreamBeforeTheDecision_ThenTheApprovedAnswer(string era)
    {
        var home = DeskProcess.NewHome();
        var decision = Path.Combine(home, "decision.fifo");
        using (var mkfifo = Process.Start("mkfifo", [decision]))
        {
            await mkfifo.WaitForExitAsync(Ct);
        }

        // The approver approves (exit 0) once the test writes a line into the FIFO: after the client had its headers.
        var policy = $$"""
            version: 1
            default: allow
            tools:
              wait_ms: require_approval
            approval:
              timeout: 60s
              channels: [command]
              command: [sh, -c, "read answer < {{decision}}"]
            state: { store: memory }
            """;
        await using var guard = await ServedGuard.StartAsync(policy, ["node", RepoPaths.V2Server], home: home);
        var watch = new CallResponseWatch();
        using var http = new HttpClient(watch);
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = guard.Url }, http, loggerFactory: null, ownsHttpClient: false);
        await using var client = await McpClient.CreateAsync(
            transport, ClientOptions.Patient(new McpClientOptions { ProtocolVersion = era == "auto" ? null : era }),
            cancellationToken: Ct);

        var call = client.CallToolAsync(
            "wait_ms", new Dictionary<string, object?> { ["ms"] = 1 }, cancellationToken: Ct);
        var mediaType = await watch.ToolCallAnswered.Task.WaitAsync(TestConstants.DefaultTimeout, Ct);
        await File.WriteAllTextAsync(decision, "yes\n", Ct);
        var result = await call.AsTask().WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal("text/event-stream", mediaType);
        Assert.Equal("waited 1", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    /// <summary>The media type of the answer to the first <c>tools/call</c> POST, once its headers arrive.</summary>
    private sealed class CallResponseWatch() : DelegatingHandler(new SocketsHttpHandler())
    {
        public TaskCompletionSource<string?> ToolCallAnswered { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The SDK's request content is buffered by this read and sent from the buffer.
            var isCall = request.Content is { } content
                && (await content.ReadAsStringAsync(cancellationToken)).Contains(
                    "\"tools/call\"", StringComparison.Ordinal);
            var response = await base.SendAsync(request, cancellationToken);
            if (isCall)
            {
                ToolCallAnswered.TrySetResult(response.Content.Headers.ContentType?.MediaType);
            }

            return response;
        }
    }
}
