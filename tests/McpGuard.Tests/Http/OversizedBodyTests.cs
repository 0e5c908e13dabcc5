using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGuard.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.Http;

/// <summary>
/// docs/serve.md: a body over the message limit gets 413 with a JSON-RPC error, whether its length is announced
/// (Content-Length) or not (chunked), on a real Kestrel with serve's body limit (the message limit plus one); and a
/// body the stdio checks refuse gets 400 with their JSON-RPC error, as both SDKs' servers answer a message that is not
/// valid JSON-RPC (the transport: a message the server cannot accept gets an HTTP error status, never 200).
/// </summary>
public sealed class OversizedBodyTests : IAsyncDisposable
{
    private const long Limit = 1024;

    private readonly WebApplication _app;

    public OversizedBodyTests()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = Limit + 1;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        var options = new ServeOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Path = "/mcp",
            Auth = GatewayAuth.None.Instance,
            MaxMessageBytes = Limit,
        };
        // The body is refused before any session or the shared child is needed.
        var endpoint = new McpEndpoint(null!, null!, options, CancellationToken.None);
        _app.MapPost("/mcp", endpoint.PostAsync);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OverTheLimit_413WithAJsonRpcError(bool chunked)
    {
        await _app.StartAsync(Ct);
        var address = _app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses;
        using var http = new HttpClient();
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
            + new string('x', 4096) + "\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(address.First()), "/mcp"))
        {
            Content = chunked
                ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)))
                : new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(-32600, answer.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}""", -32600)]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"ping"}""", -32600)]
    [InlineData("""{"jsonrpc":"1.0","method":"notifications/initialized"}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":true,"result":{}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}""", -32600)]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,""", -32700)]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo"}}""", -32600)]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","_meta":"""
        + """{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", -32600)]
    public async Task RefusedByTheStdioChecks_400WithTheirError(string body, int code)
    {
        await _app.StartAsync(Ct);
        var address = _app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(address.First()), "/mcp"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(code, answer.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }
}
