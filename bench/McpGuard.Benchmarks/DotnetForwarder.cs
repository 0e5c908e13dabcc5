using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGuard.Benchmarks;

/// <summary>
/// What .NET itself costs a hop: a bare HTTP forwarder on the guard's own stack, set up as the guard's (Kestrel in,
/// continuing on the receiving thread; socket completions run on the socket engine's threads, as <c>--url</c> runs
/// them; one pooled <see cref="HttpClient"/> out), reading each POST whole and passing its answer on whole with its
/// length, judging nothing. Beside nginx and <c>--url</c> in the HTTP rows it is the floor a .NET gateway starts from.
/// It prints <c>LISTENING PORT</c> once it serves (after warming itself up).
/// </summary>
/// <remarks>
/// Until 2026-12-07 it ran with .NET's default, every completion queued to the thread pool, and answered chunked: at
/// load 28-44 its p50 was then 730-870 µs above nginx's and its CPU 640-710 µs a call; set up as the guard, its p50 is
/// within -15..+37 µs of nginx's (bench/README.md, "the bare forwarder set up as the guard").
/// </remarks>
internal static class DotnetForwarder
{
    /// <summary>What a Streamable HTTP request needs on its way (not the client's credentials).</summary>
    private static readonly string[] s_forwarded = ["Accept", "Mcp-Session-Id", "MCP-Protocol-Version", "Mcp-Method",
        "Mcp-Name"];

    public static async Task<int> RunAsync(Uri upstream)
    {
        // As the guard's InlineSocketCompletions does for --url: read by .NET when the first socket starts its engine.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            MaxConnectionsPerServer = 64,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ActivityHeadersPropagator = null,
        });
        // Nothing watched under the working directory (the default watches it all for appsettings.json).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        var app = builder.Build();
        app.Run(context => ForwardAsync(http, upstream, context));
        await app.StartAsync();
        var url = new Uri(new Uri(app.Urls.First()), "/mcp");
        await WarmUpAsync(url);
        Console.WriteLine($"LISTENING {url.Port}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// Runs (JIT, unlike the guard's native build) until its hot path is compiled at full optimisation: calls through
    /// itself, a pause for the tiered compiler to finish, more calls.
    /// </summary>
    private static async Task WarmUpAsync(Uri url)
    {
        using var http = McpHttpClient.CreateHttp();
        var client = new McpHttpClient(http, url, BenchAgents.Token(0));
        await client.OpenSessionAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 1000; i++)
            {
                await client.CallAsync();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
    }

    private static async Task ForwardAsync(HttpClient http, Uri upstream, HttpContext context)
    {
        var (request, response) = (context.Request, context.Response);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        using var outbound = new HttpRequestMessage(new HttpMethod(request.Method), upstream);
        foreach (var name in s_forwarded)
        {
            if (request.Headers.TryGetValue(name, out var values))
            {
                outbound.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
        }

        if (HttpMethods.IsPost(request.Method))
        {
            outbound.Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            outbound.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType!);
        }

        using var answer = await http.SendAsync(outbound, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode = (int)answer.StatusCode;
        if (answer.Headers.TryGetValues("Mcp-Session-Id", out var session))
        {
            response.Headers["Mcp-Session-Id"] = session.First();
        }

        if (answer.Content.Headers.ContentType is { } type)
        {
            response.ContentType = type.ToString();
        }

        var bytes = await answer.Content.ReadAsByteArrayAsync();
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }
}
